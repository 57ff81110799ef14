package org.svafabric.device.iommu;

/** One page of an ATS Translation Request; {@code write} false is the No Write (NW) hint. */
public record AtsRequest(long addr, boolean write, boolean exec, boolean priv) {
}
