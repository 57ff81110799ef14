package org.svafabric.iommu.hw.ats;

/**
 * One page of an ATS Translation Request. {@code write} is the inverse of PCIe's No-Write flag: the device
 * intends to write. {@code exec} and {@code priv} come from the PASID prefix and are ignored without one.
 */
public record AtsRequest(long addr, boolean write, boolean exec, boolean priv) {
}
