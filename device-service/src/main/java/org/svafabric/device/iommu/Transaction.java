package org.svafabric.device.iommu;

/**
 * One untranslated DMA transaction: a read of {@code length} bytes, or a write of {@code data}.
 */
public record Transaction(boolean write, long addr, int length, byte[] data, boolean priv, boolean exec) {

    public static Transaction read(long addr, int length) {
        return new Transaction(false, addr, length, null, false, false);
    }

    public static Transaction write(long addr, byte[] data) {
        return new Transaction(true, addr, data.length, data, false, false);
    }
}
