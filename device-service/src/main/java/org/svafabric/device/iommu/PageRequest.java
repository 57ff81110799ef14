package org.svafabric.device.iommu;

/** One PRI Page Request Message: page address, R/W/X/Privileged, the group index and its Last bit. */
public record PageRequest(int prgIndex, boolean last, boolean read, boolean write, boolean exec, boolean priv, long addr) {
}
