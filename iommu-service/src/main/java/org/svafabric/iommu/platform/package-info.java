/**
 * The SMMU as a device of the machine, between the model and the software that runs it: the driver's MMIO
 * window onto the model's registers ({@link org.svafabric.iommu.platform.RegisterFileMmio}, Linux's ioremap of
 * the SMMU's frame), the driver's fault reports into the core's IOPF queue
 * ({@link org.svafabric.iommu.platform.QueueFaultSink}, iommu_report_device_fault), and the bring-up that probes
 * the driver once RAM answers and then takes the devices behind the SMMU
 * ({@link org.svafabric.iommu.platform.SmmuBringUp}). Runtime adapters, not configuration: the configuration
 * only creates them.
 */
package org.svafabric.iommu.platform;
