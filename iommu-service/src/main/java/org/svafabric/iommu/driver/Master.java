package org.svafabric.iommu.driver;

import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.iommu.core.port.Device;

/**
 * A device behind the SMMU (Linux {@code arm_smmu_master}): its StreamID, its CD table, and what the driver
 * enabled on it. The fields that change are guarded by the master's monitor.
 */
final class Master {
    final Device device;
    final DeviceDescription description;
    final CdTable cdTable;
    /** STE.S1STALLD = 0 and CD.S = 1: the firmware says its DMA can be stalled ({@code dma-can-stall}). */
    final boolean stallEnabled;
    /** STE.EATS = translate: the SMMU accepts its ATS Translation Requests. */
    final boolean atsSupported;
    boolean atsEnabled;
    boolean priEnabled;
    boolean pasidEnabled;
    PrivateDomain domain;

    Master(Device device, DeviceDescription description, CdTable cdTable, boolean stallEnabled, boolean atsSupported) {
        this.device = device;
        this.description = description;
        this.cdTable = cdTable;
        this.stallEnabled = stallEnabled;
        this.atsSupported = atsSupported;
    }

    int sid() {
        return device.sid();
    }

    String id() {
        return device.id();
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
