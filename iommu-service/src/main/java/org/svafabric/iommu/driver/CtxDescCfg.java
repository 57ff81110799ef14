package org.svafabric.iommu.driver;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.cmd.CmdCfgiCd;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.L1Cd;
import org.svafabric.iommu.hw.layout.Ste;

/**
 * A master's context-descriptor table (Linux {@code arm_smmu_ctx_desc_cfg}): linear for up to 1024 contexts
 * or when the SMMU lacks IDR0.CD2L, otherwise two levels with 1024 CDs (64 KiB) per leaf table
 * (S1Fmt = 64K_L2), leaves allocated on first use. SSID 0 holds the master's private domain, if any; SSIDs
 * from 1 hold shared (SVA) contexts.
 *
 * <p>Write order, as {@code arm_smmu_write_ctx_desc}: a new CD gets words 1..7 and a CMD_CFGI_CD + CMD_SYNC
 * before word 0 sets V, so the SMMU never reads V = 1 next to stale TTB0 or MAIR; an ASID change on a live
 * CD rewrites word 0 alone; clearing writes word 0 = 0. Each ends with CMD_CFGI_CD (+ the caller's
 * invalidations) and CMD_SYNC. Callers serialise writes per SSID.
 */
final class CtxDescCfg {
    /** Linux {@code CTXDESC_L2_ENTRIES}. */
    static final int L2_ENTRIES = 1024;

    private final MemoryBus bus;
    private final String owner;
    private final Cmdq cmdq;
    private final int sid;
    private final int s1CdMax;
    private final boolean twoLevel;
    private final CoherentPages.Allocation table;
    private final long base;
    private final ConcurrentMap<Integer, CoherentPages.Allocation> leaves = new ConcurrentHashMap<>();

    /** @param ssidBits log2 of the contexts this master may use (0: only SSID 0) */
    CtxDescCfg(MemoryBus bus, String owner, Cmdq cmdq, int sid, int ssidBits, boolean cd2l) {
        this.bus = bus;
        this.owner = owner;
        this.cmdq = cmdq;
        this.sid = sid;
        this.s1CdMax = ssidBits;
        long contexts = 1L << ssidBits;
        this.twoLevel = cd2l && contexts > L2_ENTRIES;
        long bytes = twoLevel ? ((contexts + L2_ENTRIES - 1) / L2_ENTRIES) * L1Cd.SIZE : contexts * Cd.SIZE;
        this.table = CoherentPages.allocAligned(bus, owner, CoherentPages.pagesFor(bytes));
        this.base = table.pa();
    }

    long base() {
        return base;
    }

    int s1CdMax() {
        return s1CdMax;
    }

    int s1Fmt() {
        return twoLevel ? Ste.S1FMT_64K_L2 : Ste.S1FMT_LINEAR;
    }

    boolean twoLevel() {
        return twoLevel;
    }

    /** Installs a new CD at {@code ssid}: words 1..7, sync, word 0 with V, sync. */
    void install(int ssid, Cd cd) {
        long at = cdAddress(ssid);
        byte[] upper = new byte[(Cd.WORDS - 1) * 8];
        for (int i = 1; i < Cd.WORDS; i++) {
            Words.putLong(upper, (i - 1) * 8, cd.word(i));
        }
        // Each store goes to RAM in the bus write that carries its CFGI (Cmdq#issueSync(List, List)).
        cmdq.issueSync(List.of(new CmdCfgiCd(sid, ssid, true)), List.of(new MemoryBus.Write(at + 8, upper)));
        cmdq.issueSync(List.of(new CmdCfgiCd(sid, ssid, true)), List.of(new MemoryBus.Write(at, Words.toBytes(new long[] {cd.word(0)}))));
    }

    /** Rewrites word 0 of a live CD (an ASID move); the caller issues the CFGI with its own TLBIs. */
    void rewriteWord0(int ssid, long word0) {
        bus.write64(cdAddress(ssid), word0);
    }

    /** Clears V (word 0 = 0); the caller issues CMD_CFGI_CD with its TLB and ATC invalidations and a SYNC. */
    void clear(int ssid) {
        bus.write64(cdAddress(ssid), 0);
    }

    /** The store that clears V, for the caller to send ahead of its CMD_CFGI_CD ({@link Cmdq#issueStages(List, List)}). */
    MemoryBus.Write clearing(int ssid) {
        return new MemoryBus.Write(cdAddress(ssid), new byte[8]);
    }

    Cd read(int ssid) {
        return Cd.decode(Words.fromBytes(bus.read(cdAddress(ssid), Cd.SIZE)));
    }

    /**
     * Every valid CD as it is in RAM, by SSID (for the audit): the linear table, or each leaf allocated so far,
     * read in one burst each. A leaf never allocated holds no CD.
     */
    Map<Integer, Cd> validCds() {
        Map<Integer, Cd> out = new TreeMap<>();
        if (!twoLevel) {
            collect(out, 0, bus.read(base, (int) ((1L << s1CdMax) * Cd.SIZE)));
        } else {
            leaves.forEach((l1, leaf) -> collect(out, l1 * L2_ENTRIES, bus.read(leaf.pa(), L2_ENTRIES * Cd.SIZE)));
        }
        return out;
    }

    private static void collect(Map<Integer, Cd> out, int firstSsid, byte[] raw) {
        long[] words = Words.fromBytes(raw);
        for (int i = 0; i * Cd.WORDS < words.length; i++) {
            Cd cd = Cd.decode(Arrays.copyOfRange(words, i * Cd.WORDS, (i + 1) * Cd.WORDS));
            if (cd.valid()) {
                out.put(firstSsid + i, cd);
            }
        }
    }

    CmdCfgiCd cfgi(int ssid) {
        return new CmdCfgiCd(sid, ssid, true);
    }

    /** Frees every page of the table (the master is gone and its STE no longer points here). */
    void free() {
        leaves.values().forEach(leaf -> leaf.free(bus, owner));
        table.free(bus, owner);
    }

    long cdAddress(int ssid) {
        if (ssid < 0 || ssid >= (1L << s1CdMax)) {
            throw new IllegalArgumentException("SSID " + ssid + " outside the " + s1CdMax + "-bit CD table of SID 0x" + Integer.toHexString(sid));
        }
        if (!twoLevel) {
            return base + (long) ssid * Cd.SIZE;
        }
        long leaf = leaves.computeIfAbsent(ssid / L2_ENTRIES, this::allocLeaf).pa();
        return leaf + (long) (ssid % L2_ENTRIES) * Cd.SIZE;
    }

    /**
     * A zeroed leaf (every CD V = 0), then its level-1 descriptor, then CMD_CFGI_CD with Leaf = 0: the
     * SMMU may have cached the descriptor as invalid.
     */
    private CoherentPages.Allocation allocLeaf(int l1Index) {
        CoherentPages.Allocation leaf = CoherentPages.allocAligned(bus, owner, CoherentPages.pagesFor((long) L2_ENTRIES * Cd.SIZE));
        bus.write64(base + (long) l1Index * L1Cd.SIZE, L1Cd.encode(leaf.pa()));
        cmdq.issueSync(List.of(new CmdCfgiCd(sid, l1Index * L2_ENTRIES, false)));
        return leaf;
    }
}
