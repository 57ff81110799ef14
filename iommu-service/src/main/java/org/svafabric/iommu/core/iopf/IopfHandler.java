package org.svafabric.iommu.core.iopf;

import org.svafabric.api.wire.PrgResponseCode;

/**
 * Services the faults of a group in order, while the code is SUCCESS, and returns the group's PRG response
 * code (v2's domain iopf_handler, returning {@code enum iommu_page_response_code}). The queue sends the one
 * response; a handler that throws is answered INVALID. A handler that reaches a Stop Marker stops there with
 * SUCCESS: the queue sends nothing for it (PCIe does not answer Stop Markers).
 */
@FunctionalInterface
public interface IopfHandler {

    PrgResponseCode handle(IopfGroup group);
}
