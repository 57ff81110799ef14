package org.svafabric.iommu.driver;

import org.svafabric.api.bits.Field;

/**
 * The 64-byte CD as the driver writes it (Linux {@code CTXDESC_CD_*}): TTB0 and the ASID of an address
 * space, with the translation controls the CPU uses for it (TCR_EL1.T0SZ/TG0/IRGN0/ORGN0/SH0/IPS mirrored
 * into the CD) so the SMMU walks the tables as the CPU does.
 */
public final class ContextDescriptor {
    private ContextDescriptor() {
    }

    public static final int BYTES = 64;
    public static final int DWORDS = 8;

    public static final Field T0SZ = Field.bits("T0SZ", 0, 5, 0);
    public static final Field TG0 = Field.bits("TG0", 0, 7, 6);
    /** TG0 encoding of the 4 KiB granule (as TCR_EL1.TG0). */
    public static final int TG0_4K = 0;
    public static final Field IRGN0 = Field.bits("IRGN0", 0, 9, 8);
    public static final Field ORGN0 = Field.bits("ORGN0", 0, 11, 10);
    /** Normal memory, write-back read/write-allocate cacheable. */
    public static final int RGN_WBWA = 1;
    public static final Field SH0 = Field.bits("SH0", 0, 13, 12);
    public static final int SH_INNER = 3;
    public static final Field EPD0 = Field.bit("EPD0", 0, 14);
    public static final Field EPD1 = Field.bit("EPD1", 0, 30);
    public static final Field V = Field.bit("V", 0, 31);
    public static final Field IPS = Field.bits("IPS", 0, 34, 32);
    public static final Field TBI0 = Field.bit("TBI0", 0, 38);
    public static final Field AA64 = Field.bit("AA64", 0, 41);
    public static final Field HD = Field.bit("HD", 0, 42);
    public static final Field HA = Field.bit("HA", 0, 43);
    public static final Field S = Field.bit("S", 0, 44);
    public static final Field R = Field.bit("R", 0, 45);
    public static final Field A = Field.bit("A", 0, 46);
    public static final Field ASET = Field.bit("ASET", 0, 47);
    public static final Field ASID = Field.bits("ASID", 0, 63, 48);
    public static final Field TTB0 = Field.bits("TTB0", 1, 51, 4);
    public static final Field MAIR = Field.bits("MAIR", 3, 63, 0);

    /**
     * MAIR_EL1 as arm64 Linux programs it: Attr0 Normal WB RA/WA (0xff, MT_NORMAL, what AttrIndx 0 of the
     * CPU's and the io-pgtable's descriptors selects), Attr1 tagged normal (0xf0), Attr2 non-cacheable (0x44),
     * Attr3 Device-nGnRnE (0x00), Attr4 Device-nGnRE (0x04).
     */
    public static final long MAIR_LINUX = 0x00000004_0044f0ffL;

    /** The address space a CD describes. */
    public record AddressSpace(long ttb0, int asid, int t0sz, int ipsBits) {
    }

    /**
     * What the SMMU does beyond the walk: hardware A/D updates, stall on fault, and whether the ASID is the
     * CPU's (a shared CD) and so must take part in broadcast TLB maintenance.
     */
    public record Options(boolean ha, boolean hd, boolean stall, boolean shared) {
    }

    /**
     * The words of a valid CD, in {@code arm_smmu_write_ctx_desc}'s terms: T0SZ, TG0 = 4 KiB, inner/outer
     * WBWA, inner shareable, EPD1 (no TTB1: the upper VA half is the kernel's), AA64, IPS, TBI0 off (the
     * series: a tagged pointer must fault, the SMMU cannot check tags), R (record faults), A (abort on fault
     * rather than RAZ/WI), ASET only for a private ASID (Linux {@code cd->mm ? 0 : ASET}: a shared ASID stays in
     * the set that broadcast TLBIs reach), V.
     */
    public static long[] valid(AddressSpace as, Options o) {
        long[] w = new long[DWORDS];
        T0SZ.set(w, as.t0sz());
        TG0.set(w, TG0_4K);
        IRGN0.set(w, RGN_WBWA);
        ORGN0.set(w, RGN_WBWA);
        SH0.set(w, SH_INNER);
        EPD1.set(w, true);
        IPS.set(w, ipsOf(as.ipsBits()));
        TBI0.set(w, false);
        AA64.set(w, true);
        HD.set(w, o.hd());
        HA.set(w, o.ha());
        S.set(w, o.stall());
        R.set(w, true);
        A.set(w, true);
        ASET.set(w, !o.shared());
        ASID.set(w, as.asid());
        TTB0.setAddress(w, as.ttb0());
        MAIR.set(w, MAIR_LINUX);
        V.set(w, true);
        return w;
    }

    /** TCR.IPS / CD.IPS encoding of a physical address size (the same table as IDR5.OAS). */
    static int ipsOf(int bits) {
        for (int i = 0; i < SmmuRegs.OAS_BITS.length; i++) {
            if (SmmuRegs.OAS_BITS[i] == bits) {
                return i;
            }
        }
        throw new IllegalArgumentException(bits + " is not an architected physical address size");
    }
}
