/**
 * device-service: the fabric's DMA devices and their kernel drivers.
 *
 * <p>Wiring: {@link org.svafabric.device.Devices} builds one {@link org.svafabric.device.Device}
 * per firmware description (topology, then hotplugs) and binds a
 * {@link org.svafabric.device.driver.DeviceDriver} to it. A device is a PCIe function
 * ({@code pcie}: PASID, PRI, ATS with its ATC) or a platform device; its DMA engines
 * ({@code engine}) reach memory through ATS straight to RAM ({@code pcie.AtsTranslatedPath}) or
 * as untranslated transactions the SMMU translates ({@code platform.SmmuTransactionPath}). The
 * only link to iommu-service is {@link org.svafabric.device.iommu.IommuPort}; RAM is mm-service's
 * memory bus. {@code api} holds the thin REST adapters. The PRI, ATC/ATS and stall paths hold no
 * telemetry: they fire tracepoints ({@code pcie.PriListener}, {@code pcie.AtcListener},
 * {@code platform.StallListener}) that {@link org.svafabric.device.DeviceTelemetry} keeps as the
 * device's meters and events.
 */
package org.svafabric.device;
