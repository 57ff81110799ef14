package org.svafabric.api.pagetable;

import org.svafabric.api.bits.Field;

/**
 * The AArch64 VMSAv8-64 stage-1 translation table descriptor, 4 KiB granule, 48-bit output
 * address (Arm ARM D8.3 "Translation table descriptor formats"). Defined once here because two
 * machines use it: mm-service writes process page tables (the CPU's MMU side) and the SMMU
 * model in iommu-service walks the very same bytes ("MMU and IOMMU implement compatible page
 * table formats").
 *
 * <p>Bit 1 distinguishes a table descriptor (levels 0-2) or a page descriptor (level 3) from a
 * block descriptor (levels 1-2, bit 1 = 0). Lower attributes [11:2] and upper attributes
 * [63:50] apply to block and page descriptors; table descriptors carry hierarchical controls
 * in [63:59].
 */
public final class Pte {
    private Pte() {
    }

    public static final Field VALID = Field.of("Valid", 0, 1);
    /** 1: table (levels 0-2) or page (level 3); 0: block (levels 1-2). */
    public static final Field TYPE = Field.of("Type", 1, 1);
    public static final Field ATTR_INDX = Field.of("AttrIndx", 2, 3);
    public static final Field NS = Field.of("NS", 5, 1);
    /** AP[1]: access from EL0 (unprivileged) permitted. */
    public static final Field AP_USER = Field.of("AP[1]", 6, 1);
    /** AP[2]: read-only at every level that has access. */
    public static final Field AP_RDONLY = Field.of("AP[2]", 7, 1);
    /** AP[2:1] as one field. */
    public static final Field AP = Field.of("AP[2:1]", 6, 2);
    public static final Field SH = Field.of("SH", 8, 2);
    public static final Field AF = Field.of("AF", 10, 1);
    public static final Field NG = Field.of("nG", 11, 1);
    /** Output address [47:12] of a page; of a block at level 1 [47:30], at level 2 [47:21]. */
    public static final Field OA = Field.of("OA", 12, 36);
    /** Dirty Bit Modifier: with hardware dirty management, a write clears AP[2] instead of faulting. */
    public static final Field DBM = Field.of("DBM", 51, 1);
    public static final Field CONTIGUOUS = Field.of("Contiguous", 52, 1);
    public static final Field PXN = Field.of("PXN", 53, 1);
    /** UXN (XN in a single-privilege regime). */
    public static final Field UXN = Field.of("UXN", 54, 1);
    /** Software bits [58:55], ignored by hardware; Linux keeps its software dirty bit in bit 55. */
    public static final Field SW_DIRTY = Field.of("SW_DIRTY", 55, 1);
    public static final Field SW = Field.of("SW", 55, 4);

    /** Next-level table address [47:12] of a table descriptor. */
    public static final Field TABLE_ADDR = Field.of("NextLevelTable", 12, 36);
    public static final Field PXN_TABLE = Field.of("PXNTable", 59, 1);
    public static final Field UXN_TABLE = Field.of("UXNTable", 60, 1);
    public static final Field AP_TABLE = Field.of("APTable", 61, 2);
    public static final Field NS_TABLE = Field.of("NSTable", 63, 1);

    /**
     * A non-present descriptor (Valid = 0) is ignored by hardware; like Linux, software keeps a
     * swap entry in it. The layout follows arm64's swap PTE (type [7:2], offset [57:8]); the
     * simulator uses one swap device, type 0, and marks the entry with bit 58 so that an
     * all-zero descriptor always means "never touched".
     */
    public static final Field SWP_TYPE = Field.of("SWP_TYPE", 2, 6);
    public static final Field SWP_OFFSET = Field.of("SWP_OFFSET", 8, 50);
    public static final Field SWP_PRESENT = Field.of("SWP_ENTRY", 58, 1);

    /** MAIR index of Normal, Inner/Outer Write-Back memory in Linux's MAIR_EL1 (MT_NORMAL = 0). */
    public static final int ATTR_NORMAL = 0;
    /** Inner Shareable. */
    public static final int SH_INNER = 3;

    public static long table(long nextTablePa) {
        long d = TABLE_ADDR.withAddress(0, nextTablePa);
        d = TYPE.with(d, 1);
        return VALID.with(d, 1);
    }

    /**
     * A level-3 page descriptor for user memory, as arm64 Linux builds it: Normal WB, Inner
     * Shareable, non-global (nG: tagged by ASID), AP[1] = 1 (EL0 access), PXN always (user
     * pages are never executable at EL1), UXN unless executable. A writable page carries DBM;
     * a clean writable page additionally has AP[2] = 1 so that the first write marks it dirty.
     */
    public static long userPage(long pa, boolean read, boolean write, boolean exec, boolean young, boolean dirty) {
        long d = OA.withAddress(0, pa);
        d = VALID.with(d, 1);
        d = TYPE.with(d, 1);
        d = ATTR_INDX.with(d, ATTR_NORMAL);
        d = SH.with(d, SH_INNER);
        d = AP_USER.with(d, read || write || exec);
        d = NG.with(d, 1);
        d = AF.with(d, young);
        d = PXN.with(d, 1);
        d = UXN.with(d, !exec);
        if (write) {
            d = DBM.with(d, 1);
            d = AP_RDONLY.with(d, !dirty);
            d = SW_DIRTY.with(d, dirty);
        } else {
            d = AP_RDONLY.with(d, 1);
        }
        return d;
    }

    public static long swapEntry(long offset) {
        long d = SWP_OFFSET.with(0, offset);
        return SWP_PRESENT.with(d, 1);
    }

    public static boolean isValid(long d) {
        return VALID.isSet(d);
    }

    public static boolean isTable(long d, int level) {
        return level < 3 && isValid(d) && TYPE.isSet(d);
    }

    public static boolean isPage(long d, int level) {
        return level == 3 && isValid(d) && TYPE.isSet(d);
    }

    public static boolean isBlock(long d, int level) {
        return (level == 1 || level == 2) && isValid(d) && !TYPE.isSet(d);
    }

    public static boolean isSwapEntry(long d) {
        return !isValid(d) && SWP_PRESENT.isSet(d);
    }

    public static long outputAddress(long d) {
        return OA.getAddress(d);
    }

    public static long nextTable(long d) {
        return TABLE_ADDR.getAddress(d);
    }

    /** Writable as hardware sees it now: AP[2] clear. */
    public static boolean isHwWritable(long d) {
        return !AP_RDONLY.isSet(d);
    }

    /** Writable as software means it (arm64's pte_write: the DBM bit doubles as PTE_WRITE). */
    public static boolean isWritePermitted(long d) {
        return DBM.isSet(d) || isHwWritable(d);
    }

    /** arm64's pte_dirty: software dirty, or hardware dirty (DBM set and AP[2] cleared). */
    public static boolean isDirty(long d) {
        return SW_DIRTY.isSet(d) || (DBM.isSet(d) && isHwWritable(d));
    }
}
