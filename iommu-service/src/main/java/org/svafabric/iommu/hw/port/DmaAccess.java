package org.svafabric.iommu.hw.port;

import java.util.Objects;

/**
 * One untranslated DMA access of a device: a read of {@code length} bytes or a write of {@code data} at
 * input address {@code va}, with the transaction attributes (privileged, instruction fetch).
 */
public record DmaAccess(long va, boolean write, byte[] data, int length, boolean priv, boolean exec) {

    public DmaAccess {
        if (write) {
            Objects.requireNonNull(data, "data of a write");
            length = data.length;
        } else if (length < 0) {
            throw new IllegalArgumentException("read length " + length);
        }
    }

    public static DmaAccess read(long va, int length) {
        return new DmaAccess(va, false, null, length, false, false);
    }

    public static DmaAccess write(long va, byte[] data) {
        return new DmaAccess(va, true, data, data.length, false, false);
    }
}
