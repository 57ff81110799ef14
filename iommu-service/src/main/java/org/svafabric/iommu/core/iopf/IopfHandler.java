package org.svafabric.iommu.core.iopf;

/**
 * Services the faults of a group in order, while the status is SUCCESS, and returns the final status
 * (v2's domain iopf_handler). The queue sends the one response; a handler that throws is answered INVALID.
 */
@FunctionalInterface
public interface IopfHandler {

    IopfStatus handle(IopfGroup group);
}
