package org.svafabric.gateway.devices;

import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.topology.DeviceDescription;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A device as the public API shows it: what device-service knows (firmware description, capabilities, PCIe
 * capability state, counters) and its SVA state from the SVA core in iommu-service ({@code sva}, absent when
 * the device is not behind the SMMU yet), and the SMMU it sits behind ({@code smmu}; its {@code sid} is a
 * StreamID of that SMMU).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceView(String id, String type, int sid, DeviceViews.Capabilities capabilities, DeviceDescription description,
                         DeviceViews.Pcie pcie, DeviceViews.Metrics metrics, IommuViews.SvaState sva, String smmu) {

    /** {@code behind}: iommu-service's view of the device; null while it is not behind an SMMU yet. */
    public static DeviceView of(DeviceViews.Device d, IommuViews.Device behind) {
        return new DeviceView(d.id(), d.type(), d.sid(), d.capabilities(), d.description(), d.pcie(), d.metrics(),
                behind == null ? null : behind.sva(), behind == null ? null : behind.smmu());
    }
}
