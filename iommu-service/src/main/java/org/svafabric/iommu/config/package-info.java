/**
 * Spring wiring of iommu-service ({@link org.svafabric.iommu.config.IommuConfiguration}) and its settings: the
 * SMMU model built from the topology with its queue side ({@link org.svafabric.iommu.hw.SmmuAssembly}), the
 * driver on those registers and on RAM, the core on the driver, the telemetry listeners on the core, and the
 * platform adapters (package {@code platform}). Only configuration lives here: every class it wires does its
 * work elsewhere.
 */
package org.svafabric.iommu.config;
