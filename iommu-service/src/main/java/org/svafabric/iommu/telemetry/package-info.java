/**
 * Telemetry beside the fault and bind paths, not in them: the core's tracepoint interfaces
 * ({@link org.svafabric.iommu.core.iopf.IopfListener}, {@link org.svafabric.iommu.core.sva.SvaListener}) kept
 * as Micrometer meters ({@code sva.iopf.*}, {@code sva.*}) and as event-log entries. The configuration hangs
 * both on the core, as perf and ftrace hang on the same Linux tracepoints.
 */
package org.svafabric.iommu.telemetry;
