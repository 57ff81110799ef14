package org.svafabric.iommu.driver;

import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Idr5;

/**
 * The CDs the driver writes ({@code arm_smmu_write_ctx_desc}): TTB0 and the ASID of an address space, with
 * the translation controls the CPU uses for it (TCR_EL1.T0SZ/TG0/IRGN0/ORGN0/SH0/IPS mirrored into the CD)
 * so the SMMU walks the tables as the CPU does. The layout is {@link Cd}'s; this class only decides the values.
 */
final class CdBuilder {
    private CdBuilder() {
    }

    /**
     * MAIR_EL1 as arm64 Linux programs it: Attr0 Normal WB RA/WA (0xff, MT_NORMAL, what AttrIndx 0 of the
     * CPU's and the io-pgtable's descriptors selects), Attr1 tagged normal (0xf0), Attr2 non-cacheable (0x44),
     * Attr3 Device-nGnRnE (0x00), Attr4 Device-nGnRE (0x04).
     */
    static final long MAIR_LINUX = 0x00000004_0044f0ffL;

    /** The address space a CD describes. */
    record AddressSpace(long ttb0, int asid, int t0sz, int ipsBits) {
    }

    /**
     * What the SMMU does beyond the walk: hardware A/D updates, stall on fault, and whether the ASID is the
     * CPU's (a shared CD) and so must take part in broadcast TLB maintenance.
     */
    record Options(boolean ha, boolean hd, boolean stall, boolean shared) {
    }

    /**
     * A valid CD, in {@code arm_smmu_write_ctx_desc}'s terms: T0SZ, TG0 = 4 KiB, inner/outer WBWA, inner
     * shareable, EPD1 (no TTB1: the upper VA half is the kernel's), AA64, IPS, TBI0 off (the series: a tagged
     * pointer must fault, the SMMU cannot check tags), R (record faults), A (abort on fault rather than
     * RAZ/WI), ASET only for a private ASID (Linux {@code cd->mm ? 0 : ASET}: a shared ASID stays in the set
     * that broadcast TLBIs reach), V.
     */
    static Cd valid(AddressSpace as, Options o) {
        return Cd.INVALID
                .with(Cd.T0SZ, as.t0sz())
                .with(Cd.TG0, Cd.TG0_4K)
                .with(Cd.IR0, Cd.RGN_WBWA)
                .with(Cd.OR0, Cd.RGN_WBWA)
                .with(Cd.SH0, Cd.SH_IS)
                .with(Cd.EPD1, true)
                .with(Cd.IPS, ipsOf(as.ipsBits()))
                .with(Cd.TBI0, false)
                .with(Cd.AA64, true)
                .with(Cd.HD, o.hd())
                .with(Cd.HA, o.ha())
                .with(Cd.S, o.stall())
                .with(Cd.R, true)
                .with(Cd.A, true)
                .with(Cd.ASET, !o.shared())
                .with(Cd.ASID, as.asid())
                .withAddress(Cd.TTB0, as.ttb0())
                .with(Cd.MAIR, MAIR_LINUX)
                .with(Cd.V, true);
    }

    /** TCR.IPS / CD.IPS encoding of a physical address size (the same table as IDR5.OAS). */
    static int ipsOf(int bits) {
        int e = Idr5.oasEncoding(bits);
        if (e < 0) {
            throw new IllegalArgumentException(bits + " is not an architected physical address size");
        }
        return e;
    }
}
