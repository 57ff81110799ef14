package org.svafabric.iommu.hw.walker;

import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.Idr5;

/**
 * Everything a stage-1 translation needs from a legal STE and CD, computed once when the configuration is
 * fetched (and cached with it): the regime and ASID that tag TLB entries, the walk parameters, the HTTU
 * controls in effect, and the fault configuration.
 *
 * @param el2        StreamWorld EL2 (STE.STRW = EL2: EL2-E2H with SMMU_CR2.E2H, NS-EL2 without); otherwise NS-EL1
 * @param ttb0       the first-level table
 * @param t0sz       input range 2^(64 - T0SZ)
 * @param startLevel first lookup level for T0SZ and the 4 KiB granule
 * @param oasBits    effective output size: MIN(CD.IPS, IDR5.OAS)
 * @param ha         Access flag updates in effect (CD.HA; {HD, HA} = 0b10 behaves as both 0)
 * @param hd         dirty-state updates in effect (CD.HD with CD.HA)
 * @param stall      faults stall (CD.S; STE.S1STALLD = 1 with CD.S = 1 is ILLEGAL, so never both)
 * @param record     translation faults are recorded (CD.R; always when stalling)
 * @param abort      terminated transactions abort (CD.A), otherwise complete as RAZ/WI
 * @param wxn        CD.WXN: writable memory is never executable (IHI 0070 §5.4; Arm ARM SCTLR_ELx.WXN)
 * @param pan        CD.PAN in effect: privileged data accesses to EL0-accessible memory fault (§5.4); IGNORED
 *                   in the NS-EL2 StreamWorld, where every access is privileged and there is no EL0
 * @param tbi1       CD.TBI1 (RES0 in the EL2 StreamWorlds): decoded, but the TTB1 range is not walked by this
 *                   model, so an address there faults whatever its top byte
 */
public record Stage1Context(boolean el2, int asid, boolean aset, long ttb0, int t0sz, int startLevel,
                            boolean epd0, boolean tbi0, int oasBits, boolean ha, boolean hd, boolean affd,
                            boolean stall, boolean record, boolean abort, boolean wxn, boolean pan, boolean tbi1) {

    /** No input address is valid: see {@link #inputAddress}. */
    public static final long OUT_OF_RANGE = -1;

    private static final long TOP_BYTE = 0xff00_0000_0000_0000L;

    /** A context of the NS-EL1 or EL2-E2H StreamWorld. */
    public static Stage1Context of(Cd cd, boolean el2, SmmuConfig config) {
        return of(cd, el2, true, config);
    }

    /**
     * {@code el2} with {@code e2h} = false is the NS-EL2 StreamWorld (IHI 0070 §5.2 STE.STRW = 0b10 with
     * SMMU_CR2.E2H = 0): the EL2 regime has no ASIDs, so CD.ASID is not used and every entry of the regime
     * carries ASID 0 (only one of NS-EL2 and EL2-E2H exists at a time: CR2.E2H is global).
     */
    public static Stage1Context of(Cd cd, boolean el2, boolean e2h, SmmuConfig config) {
        boolean ha = cd.isSet(Cd.HA) && config.httu().accessFlag();
        boolean hd = ha && cd.isSet(Cd.HD) && config.httu().dirtyState();
        int oas = Math.min(Idr5.addressBits((int) cd.get(Cd.IPS)), config.oasBits());
        // With EPD0 = 1, T0SZ is IGNORED and may hold anything; bound it so range checks stay meaningful.
        int t0sz = Math.max(Cd.T0SZ_MIN, Math.min(Cd.T0SZ_MAX, (int) cd.get(Cd.T0SZ)));
        return new Stage1Context(el2, el2 && !e2h ? 0 : (int) cd.get(Cd.ASID), cd.isSet(Cd.ASET), cd.address(Cd.TTB0), t0sz, Vmsa.startLevel(t0sz),
                cd.isSet(Cd.EPD0), cd.isSet(Cd.TBI0), oas, ha, hd, cd.isSet(Cd.AFFD), cd.isSet(Cd.S), cd.isSet(Cd.R) || cd.isSet(Cd.S), cd.isSet(Cd.A),
                cd.isSet(Cd.WXN), cd.isSet(Cd.PAN) && !(el2 && !e2h), !el2 && cd.isSet(Cd.TBI1));
    }

    /**
     * The address the TTB0 walk uses for {@code va}, or {@link #OUT_OF_RANGE}: with TBI0 the top byte is
     * ignored (for VA[55] = 0); without it a tagged pointer has VA[63:56] set and lies outside the TTB0
     * range. Addresses outside TTB0's range would go to TTB1, which SVA disables (EPD1) and this model does
     * not walk: a Translation fault either way.
     */
    /** The permissions of a leaf in this context: {@link Perm#of} with this CD's WXN and PAN. */
    public int perms(long leaf, int tableAttrs) {
        return Perm.of(leaf, tableAttrs, hd, wxn, pan);
    }

    public long inputAddress(long va) {
        long in = va;
        if (tbi0 && (va & (1L << 55)) == 0) {
            in = va & ~TOP_BYTE;
        }
        return (in >>> (64 - t0sz)) == 0 ? in : OUT_OF_RANGE;
    }
}
