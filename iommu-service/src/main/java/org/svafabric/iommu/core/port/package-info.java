/**
 * The ports through which the IOMMU core (SVA bind API, io_mm and PASID tracking, I/O page-fault queue)
 * talks to everything else: the arm-smmu-v3 driver ({@link org.svafabric.iommu.core.port.IommuDriverOps}),
 * the CPU side in mm-service ({@link org.svafabric.iommu.core.port.MmPort}), the device drivers in
 * device-service ({@link org.svafabric.iommu.core.port.DeviceDriverPort}) and the event log
 * ({@link org.svafabric.iommu.core.port.EventLog}). The core calls none of them with its global lock held.
 */
package org.svafabric.iommu.core.port;
