/**
 * Device fault reporting (iommu_register_device_fault_handler, iommu_report_device_fault for unrecoverable
 * faults): the driver's event-queue records of terminated transactions, delivered to the device driver's handler.
 */
package org.svafabric.iommu.core.fault;
