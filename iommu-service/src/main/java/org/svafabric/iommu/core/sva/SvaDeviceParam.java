package org.svafabric.iommu.core.sva;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import org.svafabric.iommu.core.port.Device;

/**
 * A device's SVA state (the sva part of struct iommu_param): the features and PASID range that
 * iommu_sva_device_init settled, and the device's bonds.
 *
 * <p>{@link #mutex} serialises init, bind, unbind and shutdown of this device, as the kernel's per-device
 * param lock does. It is held across driver and mm-service calls for that device (a bind must install its CD
 * before another bind or an unbind of the same device looks at the bond); it is never taken by the release
 * notifier or the fault path, so those never wait for it. {@link #bonds} is guarded by the
 * {@link IoMmTable} lock, not by the mutex.
 */
final class SvaDeviceParam {
    private final Device device;
    private final EnumSet<SvaFeature> features;
    private final int minPasid;
    private final int maxPasid;
    private final boolean stall;
    final ReentrantLock mutex = new ReentrantLock();
    /**
     * PASIDs whose mm_exit handler this device's driver ran: the driver refuses work for them until the core
     * tells it, at their next bind on this device, that they are bound again.
     */
    final Set<Integer> exitedPasids = ConcurrentHashMap.newKeySet();
    /** False until init completed, and again once shutdown began. */
    volatile boolean live;
    final List<Bond> bonds = new ArrayList<>();

    SvaDeviceParam(Device device, Set<SvaFeature> features, int minPasid, int maxPasid, boolean stall) {
        this.device = device;
        this.features = features.isEmpty() ? EnumSet.noneOf(SvaFeature.class) : EnumSet.copyOf(features);
        this.minPasid = minPasid;
        this.maxPasid = maxPasid;
        this.stall = stall;
    }

    Device device() {
        return device;
    }

    Set<SvaFeature> features() {
        return EnumSet.copyOf(features);
    }

    boolean allows(Set<SvaFeature> flags) {
        return features.containsAll(flags);
    }

    int minPasid() {
        return minPasid;
    }

    int maxPasid() {
        return maxPasid;
    }

    boolean inRange(int pasid) {
        return pasid >= minPasid && pasid <= maxPasid;
    }

    /** Faults are resolved by stalling (CD.S = 1) rather than by PRI. */
    boolean stall() {
        return stall;
    }
}
