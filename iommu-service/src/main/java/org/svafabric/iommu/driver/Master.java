package org.svafabric.iommu.driver;

import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.iommu.core.port.Device;

/**
 * A device behind the SMMU (Linux {@code arm_smmu_master}): its StreamID, its CD table, and what the driver
 * enabled on it. The fields that change are guarded by the master's monitor.
 */
public final class Master {
    final Device device;
    final DeviceDescription description;
    final CtxDescCfg cdTable;
    /** STE.S1STALLD = 0 and CD.S = 1: the firmware says its DMA can be stalled ({@code dma-can-stall}). */
    final boolean stallEnabled;
    /** STE.EATS = translate: the SMMU accepts its ATS Translation Requests. */
    final boolean atsSupported;
    boolean atsEnabled;
    boolean priEnabled;
    boolean pasidEnabled;
    PrivateDomain domain;

    Master(Device device, DeviceDescription description, CtxDescCfg cdTable, boolean stallEnabled, boolean atsSupported) {
        this.device = device;
        this.description = description;
        this.cdTable = cdTable;
        this.stallEnabled = stallEnabled;
        this.atsSupported = atsSupported;
    }

    public int sid() {
        return device.sid();
    }

    public String id() {
        return device.id();
    }

    public Device device() {
        return device;
    }

    public DeviceDescription description() {
        return description;
    }

    public boolean stallEnabled() {
        return stallEnabled;
    }

    /** What the driver enabled on the endpoint and whether a private domain is attached, read together. */
    public synchronized State state() {
        return new State(pasidEnabled, priEnabled, atsEnabled, domain == null ? null : domain.id);
    }

    /** A consistent snapshot of a master's enables. */
    public record State(boolean pasid, boolean pri, boolean ats, Long domain) {
    }

    /** The PRI Outstanding Page Request Allocation software gives the endpoint. */
    int outstandingPageRequests() {
        DeviceDescription.PriCap pri = description.pri();
        return pri == null || pri.outstandingPageRequests() == null ? 0 : pri.outstandingPageRequests();
    }

    synchronized boolean atsEnabled() {
        return atsEnabled;
    }
}
