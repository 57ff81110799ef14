/**
 * Telemetry beside the fault and bind paths, not in them: the core's tracepoint interfaces
 * ({@link org.svafabric.iommu.core.iopf.IopfListener}, {@link org.svafabric.iommu.core.sva.SvaListener}) kept
 * as Micrometer meters ({@code sva.iopf.*}, {@code sva.*}) and as event-log entries, the model's own counters
 * as {@code smmu.*} meters, and the service's event log behind the core's and the driver's event ports
 * ({@link org.svafabric.iommu.telemetry.FabricEventLogs}). The configuration hangs them on the core, as perf
 * and ftrace hang on the same Linux tracepoints.
 */
package org.svafabric.iommu.telemetry;
