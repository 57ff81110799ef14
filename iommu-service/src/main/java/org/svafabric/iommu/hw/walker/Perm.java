package org.svafabric.iommu.hw.walker;

import org.svafabric.api.pagetable.Pte;

/**
 * Stage-1 permissions of a leaf descriptor for the EL1&0 and EL2&0 regimes (Arm ARM D8.4 "Memory access
 * control"), as bits: read, write, execute for unprivileged (EL0) and privileged accesses, plus
 * "writable-clean": read-only now but a write may make it writable, because DBM = 1 and HTTU dirty-state
 * updates are enabled (CD.HD).
 * <ul>
 * <li>AP[2:1]: AP[1] grants EL0 access; AP[2] makes the page read-only at every level that has access.</li>
 * <li>Hierarchical controls of the table descriptors walked: APTable[0] removes EL0 access, APTable[1]
 *     removes write access (and DBM cannot give it back), UXNTable and PXNTable remove execution.</li>
 * <li>UXN and PXN; and memory writable at EL0 is never executable at EL1/EL2 (implicit PXN).</li>
 * </ul>
 */
public final class Perm {
    private Perm() {
    }

    public static final int UR = 1;
    public static final int UW = 1 << 1;
    public static final int UX = 1 << 2;
    public static final int PR = 1 << 3;
    public static final int PW = 1 << 4;
    public static final int PX = 1 << 5;
    /** Unprivileged writable-clean. */
    public static final int UWC = 1 << 6;
    /** Privileged writable-clean. */
    public static final int PWC = 1 << 7;

    /** Table attributes accumulated over a walk, in the positions of {@link Pte#AP_TABLE} etc. shifted down. */
    public static final int TABLE_NO_EL0 = 1;
    public static final int TABLE_NO_WRITE = 1 << 1;
    public static final int TABLE_UXN = 1 << 2;
    public static final int TABLE_PXN = 1 << 3;

    /** The hierarchical attributes a table descriptor adds to those of the tables above it. */
    public static int tableAttrs(long tableDesc, int above) {
        long ap = Pte.AP_TABLE.get(tableDesc);
        int t = above;
        if ((ap & 1) != 0) {
            t |= TABLE_NO_EL0;
        }
        if ((ap & 2) != 0) {
            t |= TABLE_NO_WRITE;
        }
        if (Pte.UXN_TABLE.isSet(tableDesc)) {
            t |= TABLE_UXN;
        }
        if (Pte.PXN_TABLE.isSet(tableDesc)) {
            t |= TABLE_PXN;
        }
        return t;
    }

    /**
     * The permissions under the CD's WXN and PAN (IHI 0070 §5.4, Arm ARM D8.4): with WXN, memory writable at
     * any level — writable-clean included, since a write would make it writable — is never executable; with
     * PAN, privileged data reads and writes of memory that EL0 may access are not permitted (instruction
     * fetches are not data accesses: PAN leaves PX alone).
     */
    public static int of(long leaf, int table, boolean hd, boolean wxn, boolean pan) {
        int p = of(leaf, table, hd);
        if (wxn && (p & (UW | PW | UWC | PWC)) != 0) {
            p &= ~(UX | PX);
        }
        if (pan && (p & UR) != 0) {
            p &= ~(PR | PW | PWC);
        }
        return p;
    }

    /** The permissions a leaf (page or block) descriptor grants under table attributes {@code table}. */
    public static int of(long leaf, int table, boolean hd) {
        boolean el0 = Pte.AP_USER.isSet(leaf) && (table & TABLE_NO_EL0) == 0;
        boolean tableNoWrite = (table & TABLE_NO_WRITE) != 0;
        boolean readOnly = Pte.AP_RDONLY.isSet(leaf) || tableNoWrite;
        boolean writableClean = hd && readOnly && !tableNoWrite && Pte.DBM.isSet(leaf);
        int p = PR;
        if (!readOnly) {
            p |= PW;
        }
        if (writableClean) {
            p |= PWC;
        }
        if (el0) {
            p |= UR;
            if (!readOnly) {
                p |= UW;
            }
            if (writableClean) {
                p |= UWC;
            }
        }
        if (!Pte.UXN.isSet(leaf) && (table & TABLE_UXN) == 0) {
            p |= UX;
        }
        if (!Pte.PXN.isSet(leaf) && (table & TABLE_PXN) == 0 && (p & UW) == 0) {
            p |= PX;
        }
        return p;
    }

    /** The bit {@code access} needs: read, write or execute, at its privilege. */
    public static int needed(int access) {
        int base = Access.isExec(access) ? UX : Access.isWrite(access) ? UW : UR;
        return Access.isPriv(access) ? base << 3 : base;
    }

    public static boolean permits(int perms, int access) {
        return (perms & needed(access)) != 0;
    }

    /** A write that is refused now but would be granted by marking the page dirty. */
    public static boolean writableClean(int perms, int access) {
        return Access.isWrite(access) && (perms & (Access.isPriv(access) ? PWC : UWC)) != 0;
    }

    public static boolean canRead(int perms, boolean priv) {
        return (perms & (priv ? PR : UR)) != 0;
    }

    public static boolean canWrite(int perms, boolean priv) {
        return (perms & (priv ? PW : UW)) != 0;
    }

    public static boolean canExec(int perms, boolean priv) {
        return (perms & (priv ? PX : UX)) != 0;
    }
}
