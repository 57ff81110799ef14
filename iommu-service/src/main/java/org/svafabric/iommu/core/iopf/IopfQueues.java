package org.svafabric.iommu.core.iopf;

import org.svafabric.iommu.core.port.Device;

/** The fault queue of the SMMU a device sits behind (one {@link IopfQueue} per SMMU). */
@FunctionalInterface
public interface IopfQueues {

    IopfQueue queueOf(Device device);
}
