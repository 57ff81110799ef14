package org.svafabric.iommu.hw.tlb;

import org.svafabric.api.pagetable.Vmsa;

/**
 * One cached stage-1 translation of a 4 KiB page. A block mapping is cached page by page as it is used
 * (an implementation may hold a translation at a smaller size than the descriptor's), each entry remembering
 * the block it came from so that an invalidation of any address in the block removes all of them.
 * Immutable; the TLB replaces entries, never mutates them.
 *
 * @param el2        tagged with the EL2-E2H regime (otherwise NS-EL1)
 * @param asid       ASID tag (ignored for matching when {@code global})
 * @param global     nG = 0: matches every ASID of the same ASET
 * @param aset       CD.ASET of the context that inserted it
 * @param vpn        VA[63:12] of the page
 * @param pa         PA of the page
 * @param perms      {@link org.svafabric.iommu.hw.walker.Perm} bits
 * @param rangeStart first VA of the page or block it was walked from
 * @param rangeShift log2 size of that page or block (12, 21 or 30)
 */
public record TlbEntry(boolean el2, int asid, boolean global, boolean aset, long vpn, long pa, int perms,
                       long rangeStart, int rangeShift) {

    public boolean matches(boolean el2, int asid, boolean aset, long vpn) {
        return this.vpn == vpn && this.el2 == el2 && (global ? this.aset == aset : this.asid == asid);
    }

    public long rangeEnd() {
        return rangeStart + (1L << rangeShift);
    }

    /** The PA of {@code va} inside this page. */
    public long translate(long va) {
        return pa | (va & (Vmsa.PAGE_SIZE - 1));
    }
}
