package org.svafabric.device.engine;

import org.svafabric.api.error.ErrnoException;

/**
 * A validated job description. Without {@code pasid} the addresses are IOVAs (classical DMA).
 *
 * @param value memset's fill byte
 * @param seed  rand48's seed
 */
public record JobSpec(DmaOp op, Integer pasid, long src, long dst, long length, int value, long seed) {

    /** Refuses (EINVAL) what no device could run; device-specific checks (PASID width, state) come later. */
    public static JobSpec of(String op, Integer pasid, Long src, Long dst, Long length, Integer value, Long seed, long maxLength) {
        DmaOp o = DmaOp.parse(op);
        if (o == null) {
            throw ErrnoException.invalid("op must be one of memcpy, memset, rand48, sum64, compare" + (op == null ? "" : ", not " + op));
        }
        if (length == null) {
            throw ErrnoException.invalid("length is required");
        }
        if (length <= 0 || length > maxLength) {
            throw ErrnoException.invalid("length must be 1.." + maxLength + " bytes");
        }
        if (o == DmaOp.SUM64 && length % 8 != 0) {
            throw ErrnoException.invalid("sum64 adds 64-bit words: length must be a multiple of 8");
        }
        if (pasid != null && pasid < 0) {
            throw ErrnoException.invalid("pasid must not be negative");
        }
        long s = address("src", src, o.needsSrc(), length);
        long d = address("dst", dst, o.needsDst(), length);
        int v = 0;
        if (o == DmaOp.MEMSET) {
            if (value == null || value < 0 || value > 255) {
                throw ErrnoException.invalid("memset needs value, a byte 0..255");
            }
            v = value;
        }
        long sd = 0;
        if (o == DmaOp.RAND48) {
            if (seed == null) {
                throw ErrnoException.invalid("rand48 needs seed");
            }
            sd = seed;
        }
        return new JobSpec(o, pasid, s, d, length, v, sd);
    }

    private static long address(String name, Long addr, boolean needed, long length) {
        if (!needed) {
            return 0;
        }
        if (addr == null) {
            throw ErrnoException.invalid(name + " is required");
        }
        if (addr + length < addr) {
            throw ErrnoException.invalid(name + " + length wraps around the address space");
        }
        return addr;
    }
}
