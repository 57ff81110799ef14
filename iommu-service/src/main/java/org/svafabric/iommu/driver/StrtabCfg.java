package org.svafabric.iommu.driver;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.cmd.CmdCfgiSte;
import org.svafabric.iommu.hw.cmd.CmdPrefetchConfig;
import org.svafabric.iommu.hw.layout.L1Std;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.layout.StrtabBase;

/**
 * The stream table in RAM (Linux {@code arm_smmu_init_strtab}): linear when the SMMU cannot split it or the
 * StreamID space is no wider than one level-2 table, otherwise two levels with SPLIT = 8 (256 STEs per
 * level-2 table, one PCI bus) whose level-2 tables are allocated when a device first needs one.
 *
 * <p>STE writes follow Linux 4.x {@code arm_smmu_write_strtab_ent} and the architecture's single-copy
 * atomicity of 64-bit accesses (IHI 0070 §4.3.1): the words the SMMU reads only once V is set go
 * first, then CMD_CFGI_STE and CMD_SYNC so that no cached copy of the entry mixes old and new words; then
 * word 0 (V, Config), CMD_CFGI_STE and CMD_SYNC again; then CMD_PREFETCH_CONFIG (§4.2.1), since the new STE
 * is likely to be used soon — unless firmware says the SMMU's prefetch is broken
 * ({@code ARM_SMMU_OPT_SKIP_PREFETCH}). Callers serialise writes per StreamID (the driver's master lock).
 */
final class StrtabCfg {
    /** Linux {@code STRTAB_SPLIT}. */
    static final int SPLIT = 8;
    /** Linux caps the level-1 table at 2^20 bytes of descriptors ({@code STRTAB_L1_SZ_SHIFT}). */
    static final int MAX_L1_LOG2 = 17;

    private final MemoryBus bus;
    private final String owner;
    private final Cmdq cmdq;
    private final boolean twoLevel;
    private final boolean skipPrefetch;
    private final int log2Size;
    private final long base;
    private final ConcurrentMap<Integer, Long> l2Tables = new ConcurrentHashMap<>();

    StrtabCfg(MemoryBus bus, String owner, Cmdq cmdq, SmmuFeatures f, boolean skipPrefetch) {
        this.bus = bus;
        this.owner = owner;
        this.cmdq = cmdq;
        this.skipPrefetch = skipPrefetch;
        this.twoLevel = f.twoLevelStrtab() && f.sidBits() > SPLIT;
        if (twoLevel) {
            int l1Log2 = Math.min(MAX_L1_LOG2, f.sidBits() - SPLIT);
            this.log2Size = l1Log2 + SPLIT;
            this.base = CoherentPages.allocAligned(bus, owner, CoherentPages.pagesFor((1L << l1Log2) * L1Std.SIZE)).pa();
        } else {
            this.log2Size = f.sidBits();
            this.base = CoherentPages.allocAligned(bus, owner, CoherentPages.pagesFor((1L << log2Size) * Ste.SIZE)).pa();
        }
    }

    boolean twoLevel() {
        return twoLevel;
    }

    int split() {
        return twoLevel ? SPLIT : 0;
    }

    /** STRTAB_BASE: the table address with RA (read-allocate). */
    long base() {
        return base;
    }

    long baseRegister() {
        return StrtabBase.RA.with(StrtabBase.ADDR.withAddress(0, base), true);
    }

    /** STRTAB_BASE_CFG: format, SPLIT, LOG2SIZE. */
    int baseCfgRegister() {
        long v = StrtabBase.FMT.with(0, twoLevel ? StrtabBase.FMT_2LVL : StrtabBase.FMT_LINEAR);
        v = StrtabBase.SPLIT.with(v, split());
        return (int) StrtabBase.LOG2SIZE.with(v, log2Size);
    }

    boolean covers(int sid) {
        return sid >= 0 && (log2Size >= 31 || sid < (1 << log2Size));
    }

    /** Physical address of the STE of {@code sid}, allocating its level-2 table first if needed. */
    long steAddress(int sid) {
        if (!twoLevel) {
            return base + (long) sid * Ste.SIZE;
        }
        long l2 = l2Tables.computeIfAbsent(sid >>> SPLIT, this::allocL2);
        return l2 + (long) (sid & ((1 << SPLIT) - 1)) * Ste.SIZE;
    }

    /**
     * Installs {@code ste} for {@code sid}: words 1..7; CFGI_STE; SYNC; word 0; CFGI_STE; SYNC; PREFETCH_CONFIG.
     */
    void write(int sid, Ste ste) {
        long at = steAddress(sid);
        byte[] upper = new byte[(Ste.WORDS - 1) * 8];
        for (int i = 1; i < Ste.WORDS; i++) {
            Words.putLong(upper, (i - 1) * 8, ste.word(i));
        }
        bus.write(at + 8, upper);
        // Leaf = 0: a level-1 descriptor written for this StreamID may be cached as well.
        CmdCfgiSte cfgi = new CmdCfgiSte(sid, !twoLevel);
        cmdq.issueSync(List.of(cfgi));
        bus.write64(at, ste.word(0));
        cmdq.issueSync(List.of(cfgi));
        if (!skipPrefetch) {
            // A hint, not waited for (Linux issues it without a CMD_SYNC).
            cmdq.issue(List.of(new CmdPrefetchConfig(sid, false, 0)));
        }
    }

    Ste read(int sid) {
        return Ste.decode(Words.fromBytes(bus.read(steAddress(sid), Ste.SIZE)));
    }

    /**
     * A zeroed level-2 table (every STE V = 0), then its level-1 descriptor: the SMMU never follows L2Ptr to
     * memory that is not initialised. SPAN = SPLIT + 1 as Linux writes it.
     */
    private long allocL2(int l1Index) {
        long l2 = CoherentPages.allocAligned(bus, owner, CoherentPages.pagesFor((1L << SPLIT) * Ste.SIZE)).pa();
        long desc = L1Std.encode(SPLIT + 1, l2);
        bus.write64(base + (long) l1Index * L1Std.SIZE, desc);
        return l2;
    }
}
