/**
 * Spring wiring of iommu-service ({@link org.svafabric.iommu.config.IommuConfiguration}): the SMMU model built
 * from the topology, its queue side hung on its registers ({@link org.svafabric.iommu.config.SmmuAssembly}), the
 * driver on those registers and on RAM, the core on the driver, the event logs and meters, and the background
 * bring-up that probes when mm-service answers and takes the devices from device-service.
 */
package org.svafabric.iommu.config;
