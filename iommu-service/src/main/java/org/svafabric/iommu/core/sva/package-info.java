/**
 * The SVA core of the 2018 "Shared Virtual Addressing for the IOMMU" series (v1): the bind API
 * ({@link org.svafabric.iommu.core.sva.IommuSva}: iommu_sva_device_init/shutdown,
 * iommu_register_mm_exit_handler, iommu_sva_bind_device/unbind_device, iommu_sva_find), io_mm and bond
 * tracking with the system-wide PASID space, and the MMU notifier mm-service calls
 * ({@link org.svafabric.iommu.core.sva.SvaMmNotifier}: invalidate_range, release).
 *
 * <p>Wiring (one SMMU, so one fault queue):
 * <pre>
 * IopfQueue queue = new IopfQueue("smmu0", workers, capacity, driverOps, iopfListener);
 * IommuSva sva = new IommuSva(driverOps, mmPort, deviceDriverPort, device -&gt; queue, svaListener);
 * // mm-service's notifier callbacks: sva.notifier().invalidateRange(pid, start, end, btm) and .release(pid)
 * // the driver's PRI queue and stalled events: queue.report(IopfFault.pageRequest(...) / IopfFault.stall(...))
 * </pre>
 * The listeners are the tracepoints ({@link org.svafabric.iommu.core.sva.SvaListener},
 * {@link org.svafabric.iommu.core.iopf.IopfListener}); the configuration hangs meters and the event log on them.
 *
 * <p>Where v1 left a hole, this follows v2 and later: PASID is mandatory; a second init is EEXIST; the
 * mm_exit handler may block (it is a remote call) and is read per bond at exit; the fault queue is flushed
 * per (device, PASID); exit keeps each bond, and so the PASID, until the driver unbinds (as upstream's
 * "always release the handle with unbind()"), so a PASID is never reused while a driver may still name it.
 */
package org.svafabric.iommu.core.sva;
