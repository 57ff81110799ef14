package org.svafabric.iommu.hw;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.cache.ConfigCache;
import org.svafabric.iommu.hw.cache.StreamCounters;
import org.svafabric.iommu.hw.cd.CdCheck;
import org.svafabric.iommu.hw.cd.CdTable;
import org.svafabric.iommu.hw.cmd.CommandTarget;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.pri.PparLookup;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.Gbpa;
import org.svafabric.iommu.hw.regs.IdRegisters;
import org.svafabric.iommu.hw.regs.RegisterFile;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.ste.SteCheck;
import org.svafabric.iommu.hw.ste.StreamTable;
import org.svafabric.iommu.hw.ste.StreamTableConfig;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.tlb.InFlightTransactions;
import org.svafabric.iommu.hw.tlb.InvalidationEpoch;
import org.svafabric.iommu.hw.tlb.InvalidationScope;
import org.svafabric.iommu.hw.tlb.Iotlb;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.walker.Access;
import org.svafabric.iommu.hw.walker.CostMeter;
import org.svafabric.iommu.hw.walker.Stage1Context;
import org.svafabric.iommu.hw.walker.Stage1Translator;
import org.svafabric.iommu.hw.walker.WalkCache;

/**
 * The SMMUv3 model, translation side: registers, configuration cache, IOTLB, walk cache and table walker,
 * over RAM reached through a {@link MemoryBus}. Software drives it through {@link #registers()} and the
 * command queue (which calls this as its {@link CommandTarget}); devices through {@link #translate} (the
 * untranslated port and the ATS service build on it).
 *
 * <p>A translation is a pipeline of the architecture's steps: {@code findSte -> decodeSte ->
 * selectSubstream -> getCd -> decodeCd -> walk}, each returning the configuration it found or the event that
 * stops the transaction. Translations run concurrently from many device threads; invalidations
 * ({@link #invalidateTlb}, {@link #invalidateSte}, {@link #invalidateCd}, {@link #broadcastTlbi}) return only
 * once no cache holds what they removed and no transaction that may have used it is still in flight.
 */
public final class SmmuV3 implements CommandTarget, PparLookup {

    /** What the SMMU uses of its registers, fixed when SMMUEN is set (CR2 and STRTAB_BASE* are read-only then). */
    private record Enabled(boolean on, boolean atsCheck, StreamTableConfig table, boolean e2h, boolean recInvSid,
                           boolean ptm, boolean recCfgAts) {
        static final Enabled OFF = new Enabled(false, false, null, false, false, true, false);
    }

    private final SmmuConfig config;
    private final MemoryBus bus;
    private final IdRegisters id;
    private final RegisterFile registers;
    private final ConfigCache configCache;
    private final Iotlb tlb;
    private final WalkCache walkCache;
    /** One epoch for every cache: see {@link ConfigCache} on why configuration and TLB share it. */
    private final InvalidationEpoch epoch = new InvalidationEpoch();
    private final Stage1Translator translator;
    private final InFlightTransactions inFlight = new InFlightTransactions();
    private final ConcurrentHashMap<Integer, StreamCounters> counters = new ConcurrentHashMap<>();
    private final LongAdder badStreamIds = new LongAdder();
    private final LongAdder broadcastsApplied = new LongAdder();
    private final LongAdder broadcastsIgnored = new LongAdder();
    private volatile Enabled state = Enabled.OFF;

    public SmmuV3(SmmuConfig config, MemoryBus bus) {
        this.config = config;
        this.bus = bus;
        this.id = IdRegisters.of(config);
        this.registers = new RegisterFile(id);
        this.configCache = new ConfigCache(config.steCacheEntries(), config.cdCacheEntries(), epoch);
        this.tlb = new Iotlb(config.tlbEntries(), config.tlbWays(), epoch);
        this.walkCache = new WalkCache(config.walkCacheEntries(), epoch);
        this.translator = new Stage1Translator(bus, tlb, walkCache);
        registers.onCr0Change((oldValue, newValue) -> state = snapshot(newValue));
    }

    private Enabled snapshot(long cr0) {
        if (!Cr0.SMMUEN.isSet(cr0)) {
            return Enabled.OFF;
        }
        long cr2 = registers.value(SmmuReg.CR2);
        StreamTableConfig table = StreamTableConfig.fromRegisters(registers.value(SmmuReg.STRTAB_BASE),
                registers.value(SmmuReg.STRTAB_BASE_CFG), config.sidBits());
        return new Enabled(true, Cr0.ATSCHK.isSet(cr0), table, config.hyp() && Cr2.E2H.isSet(cr2),
                Cr2.RECINVSID.isSet(cr2), !config.btm() || Cr2.PTM.isSet(cr2), config.ats() && Cr2.REC_CFG_ATS.isSet(cr2));
    }

    public SmmuConfig config() {
        return config;
    }

    public IdRegisters idRegisters() {
        return id;
    }

    public RegisterFile registers() {
        return registers;
    }

    public MemoryBus bus() {
        return bus;
    }

    public InFlightTransactions inFlight() {
        return inFlight;
    }

    public boolean enabled() {
        return state.on;
    }

    /** SMMU_CR0.ATSCHK as latched: whether ATS Translated traffic is checked against STE.EATS. */
    public boolean atsCheck() {
        return state.atsCheck;
    }

    /** SMMU_CR2.REC_CFG_ATS (with IDR0.ATSRECERR): configuration errors of ATS requests are recorded. */
    public boolean recordsAtsConfigErrors() {
        return state.recCfgAts;
    }

    /** SMMU_CR2.RECINVSID: C_BAD_STREAMID is recorded. */
    public boolean recordsInvalidStreamIds() {
        return state.recInvSid;
    }

    // ---------------------------------------------------------------------------------------------------
    // Translation

    /**
     * The allocation-free hot path: the PA of {@code va} when the configuration of ({@code sid},
     * {@code ssid}) is cached and the TLB holds a translation permitting {@code access}
     * ({@link Access} bits); otherwise {@link Stage1Translator#MISS}, and the caller uses {@link #translate}.
     */
    public long translateCached(int sid, int ssid, long va, int access) {
        if (!state.on) {
            return Stage1Translator.MISS;
        }
        ConfigCache.SteEntry se = configCache.ste(sid);
        if (se == null || se.ste().get(Ste.CONFIG) != Ste.CONFIG_S1_TRANS) {
            return Stage1Translator.MISS;
        }
        int index = cdIndexWithoutFault(se.ste(), ssid);
        if (index < 0) {
            return Stage1Translator.MISS;
        }
        ConfigCache.CdEntry ce = configCache.cd(sid, index);
        if (ce == null) {
            return Stage1Translator.MISS;
        }
        long pa = translator.lookupTlb(ce.ctx(), va, access);
        if (pa != Stage1Translator.MISS) {
            se.counters().fastHit();
        }
        return pa;
    }

    /** Translates an untranslated transaction. */
    public Translation translate(TransactionRequest r) {
        Enabled s = state;
        if (!s.on) {
            return globalBypass(r.va());
        }
        CostMeter m = new CostMeter();
        long fill = epoch.startFill();
        StreamConfig c = resolve(s, r.sid(), r.ssid(), m, false, fill);
        Translation t;
        if (c instanceof StreamConfig.Stop) {
            t = ((StreamConfig.Stop) c).result();
        } else if (c instanceof StreamConfig.Bypass) {
            t = new Translation.Ok(r.va(), ALL_PERMS, Vmsa.PAGE_SHIFT, Cost.of(m));
        } else {
            t = walk((StreamConfig.Stage1) c, r, m, fill);
        }
        account(r.sid(), m, t instanceof Translation.Fault);
        return t;
    }

    /** Every {@link org.svafabric.iommu.hw.walker.Perm} bit: what bypass grants. */
    private static final int ALL_PERMS = 0xff;

    private Translation globalBypass(long va) {
        if (Gbpa.ABORT.isSet(registers.value(SmmuReg.GBPA))) {
            return new Translation.Aborted("SMMUEN == 0 and GBPA.ABORT == 1", Cost.NONE);
        }
        return new Translation.Ok(va, ALL_PERMS, Vmsa.PAGE_SHIFT, Cost.NONE);
    }

    private void account(int sid, CostMeter m, boolean faulted) {
        StreamCounters c = counters.get(sid);
        if (c == null) {
            return; // no STE was ever found for it: counted in badStreamIds, not per stream
        }
        if (m.tlbHit && m.steCached && m.cdCached) {
            c.fastHit();
        } else {
            c.slowPath(m.tlbHit, faulted, m.configReads, m.descriptorsRead, m.casUpdates);
        }
    }

    /** Step 6: the stage-1 walk, and the fault configuration (CD.A, R, S) applied to its faults. */
    private Translation walk(StreamConfig.Stage1 c, TransactionRequest r, CostMeter m, long fill) {
        Stage1Context ctx = c.cd().ctx();
        Stage1Translator.Outcome o = translator.translate(ctx, r.va(), r.access(), m, fill);
        if (o instanceof Stage1Translator.Mapped) {
            Stage1Translator.Mapped ok = (Stage1Translator.Mapped) o;
            return new Translation.Ok(ok.pa(), ok.perms(), ok.sizeShift(), Cost.of(m));
        }
        Stage1Translator.Faulted f = (Stage1Translator.Faulted) o;
        // CLASS (IHI 0070 §7.3.13): IN for the stage-1 F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and F_PERMISSION;
        // TT with S2 = 0 only for F_WALK_EABT, the abort on a descriptor fetch.
        int clss = f.type() == EventType.F_WALK_EABT ? Event.CLASS_TT : Event.CLASS_IN;
        Event e = Event.fault(f.type(), r.sid(), r.ssv(), Math.max(r.ssid(), 0), r.va(), !r.write(), r.priv(), r.exec(),
                clss);
        if (f.type() == EventType.F_WALK_EABT) {
            // Not one of the four translation-related faults: A, R and S do not apply (IHI 0070 §5.5).
            return new Translation.Fault(e.withFetchAddr(f.fetchPa()), false, true, true, "external abort on walk", Cost.of(m));
        }
        boolean stall = ctx.stall() && config.stallModel().canStall();
        return new Translation.Fault(e, stall, ctx.record(), ctx.abort(), f.type().name(), Cost.of(m));
    }

    /**
     * Resolves the configuration of ({@code sid}, {@code ssid}) for an ATS Translation Request: as for a
     * transaction, except that right after the STE the request is refused when the stream does not accept
     * ATS (IHI 0070 §3.9.1.2): Config = abort stops with {@link Translation.Aborted} (UR, no event); Config =
     * bypass or an effective EATS of 0b00 stop with F_BAD_ATS_TREQ (UR, recorded). SMMUEN must be 1.
     * {@code fill} comes from {@link #startFill()}, taken before the request looked anything up.
     */
    public StreamConfig resolveForAts(int sid, int ssid, CostMeter m, long fill) {
        Enabled s = state;
        if (!s.on) {
            throw new IllegalStateException("ATS Translation Requests need SMMUEN == 1");
        }
        return resolve(s, sid, ssid, m, true, fill);
    }

    /** The fill epoch a request takes before its first lookup (see {@link InvalidationEpoch}). */
    public long startFill() {
        return epoch.startFill();
    }

    private StreamConfig resolve(Enabled s, int sid, int ssid, CostMeter m, boolean ats, long fill) {
        boolean ssv = ssid != TransactionRequest.NO_SSID;
        int ssidOrZero = Math.max(ssid, 0);
        // Steps 1-2: findSte, decodeSte.
        ConfigCache.SteEntry se = configCache.ste(sid);
        if (se != null) {
            m.steCached = true;
        } else {
            StreamTable.Lookup l = StreamTable.fetch(bus, s.table, sid);
            if (l instanceof StreamTable.BadStreamId) {
                badStreamIds.increment();
                return stop(Event.config(EventType.C_BAD_STREAMID, sid, ssv, ssidOrZero), s.recInvSid, "StreamID reaches no STE", m, false);
            }
            int steReads = s.table.twoLevel() ? 2 : 1;
            m.configReads += steReads;
            m.steReads += steReads;
            if (l instanceof StreamTable.FetchAbort) {
                badStreamIds.increment();
                Event e = Event.config(EventType.F_STE_FETCH, sid, ssv, ssidOrZero).withFetchAddr(((StreamTable.FetchAbort) l).pa());
                return stop(e, true, "STE fetch aborted", m, false);
            }
            Ste ste = ((StreamTable.Found) l).ste();
            StreamCounters sc = counters.computeIfAbsent(sid, StreamCounters::new);
            if (!ste.valid()) {
                return stop(Event.config(EventType.C_BAD_STE, sid, ssv, ssidOrZero), true, "STE.V == 0", m, true);
            }
            String illegal = SteCheck.illegal(ste, config, s.e2h);
            if (illegal != null) {
                return stop(Event.config(EventType.C_BAD_STE, sid, ssv, ssidOrZero), true, "ILLEGAL STE: " + illegal, m, false);
            }
            se = new ConfigCache.SteEntry(sid, ste, sc);
            configCache.fill(se, fill);
        }
        Ste ste = se.ste();
        if (ats && !ste.aborts() && SteCheck.effectiveEats(ste, config) == Ste.EATS_ABT) {
            return stop(Event.config(EventType.F_BAD_ATS_TREQ, sid, ssv, ssidOrZero), true,
                    ste.bypasses() ? "ATS request to a bypass stream" : "STE.EATS == 0b00", m, false);
        }
        if (ste.aborts()) {
            return new StreamConfig.Stop(new Translation.Aborted("STE.Config == abort", Cost.of(m)), false);
        }
        if (ste.bypasses()) {
            if (ssv) {
                return stop(Event.config(EventType.C_BAD_SUBSTREAMID, sid, true, ssid), true, "SubstreamID to a stream without stage 1", m, false);
            }
            return new StreamConfig.Bypass(se);
        }
        // Step 3: selectSubstream.
        int index = cdIndexWithoutFault(ste, ssid);
        if (index < 0) {
            return substreamStop(se, sid, ssid, m);
        }
        // Steps 4-5: getCd, decodeCd.
        ConfigCache.CdEntry ce = configCache.cd(sid, index);
        if (ce != null) {
            m.cdCached = true;
            return new StreamConfig.Stage1(se, ce);
        }
        CdTable.Lookup l = CdTable.fetch(bus, ste, index, config.ssidBits());
        int cdReads = ste.get(Ste.S1FMT) == Ste.S1FMT_LINEAR || ste.get(Ste.S1CDMAX) == 0 ? 1 : 2;
        m.configReads += cdReads;
        m.cdReads += cdReads;
        if (l instanceof CdTable.MissingL2) {
            return stop(Event.config(EventType.C_BAD_SUBSTREAMID, sid, ssv, ssidOrZero), true, "L1CD.V == 0", m, false);
        }
        if (l instanceof CdTable.FetchAbort) {
            Event e = Event.config(EventType.F_CD_FETCH, sid, ssv, ssidOrZero).withFetchAddr(((CdTable.FetchAbort) l).pa());
            return stop(e, true, "CD fetch aborted", m, false);
        }
        CdTable.Found found = (CdTable.Found) l;
        if (!found.cd().valid()) {
            return stop(Event.config(EventType.C_BAD_CD, sid, ssv, ssidOrZero), true, "CD.V == 0", m, false);
        }
        String illegal = CdCheck.illegal(found.cd(), ste.isSet(Ste.S1STALLD), config);
        if (illegal != null) {
            return stop(Event.config(EventType.C_BAD_CD, sid, ssv, ssidOrZero), true, "ILLEGAL CD: " + illegal, m, false);
        }
        Stage1Context ctx = Stage1Context.of(found.cd(), SteCheck.el2(ste, config), s.e2h, config);
        ce = new ConfigCache.CdEntry(sid, index, found.cd(), ctx);
        configCache.fill(ce, fill);
        return new StreamConfig.Stage1(se, ce);
    }

    /**
     * The CD index a transaction uses, or -1 when the substream rules stop it (see {@link #substreamStop}).
     * Without SubstreamID: CD 0 when substreams are disabled or S1DSS = SSID0. With one: that CD, if
     * substreams are enabled, it is below 2^S1CDMax, and it is not 0 under S1DSS = SSID0.
     */
    private int cdIndexWithoutFault(Ste ste, int ssid) {
        boolean substreams = config.ssidBits() > 0 && ste.get(Ste.S1CDMAX) > 0;
        if (ssid == TransactionRequest.NO_SSID) {
            return !substreams || ste.get(Ste.S1DSS) == Ste.S1DSS_SSID0 ? 0 : -1;
        }
        if (!substreams || ssid >= (1 << ste.get(Ste.S1CDMAX)) || (ste.get(Ste.S1DSS) == Ste.S1DSS_SSID0 && ssid == 0)) {
            return -1;
        }
        return ssid;
    }

    /** Why {@link #cdIndexWithoutFault} refused (IHI 0070 §5.2 STE.S1CDMax, STE.S1DSS). */
    private StreamConfig substreamStop(ConfigCache.SteEntry se, int sid, int ssid, CostMeter m) {
        Ste ste = se.ste();
        if (ssid == TransactionRequest.NO_SSID) {
            if (ste.get(Ste.S1DSS) == Ste.S1DSS_BYPASS) {
                return new StreamConfig.Bypass(se);
            }
            return stop(Event.config(EventType.F_STREAM_DISABLED, sid, false, 0), true, "no SubstreamID and S1DSS == terminate", m, false);
        }
        if (ste.get(Ste.S1DSS) == Ste.S1DSS_SSID0 && ssid == 0 && ste.get(Ste.S1CDMAX) > 0 && config.ssidBits() > 0) {
            return stop(Event.config(EventType.F_STREAM_DISABLED, sid, true, 0), true, "SubstreamID 0 is reserved by S1DSS == SSID0", m, false);
        }
        return stop(Event.config(EventType.C_BAD_SUBSTREAMID, sid, true, ssid), true,
                "SubstreamID " + ssid + " outside S1CDMax " + (int) ste.get(Ste.S1CDMAX), m, false);
    }

    private static StreamConfig stop(Event e, boolean record, String detail, CostMeter m, boolean steInvalid) {
        return new StreamConfig.Stop(new Translation.Fault(e, false, record, true, detail, Cost.of(m)), steInvalid);
    }

    /** The stage-1 walk for an ATS Translation Request (see {@link Stage1Translator#translateForAts}). */
    public Stage1Translator.Outcome translateForAts(Stage1Context ctx, long va, boolean write, boolean priv, CostMeter m, long fill) {
        return translator.translateForAts(ctx, va, write, priv, m, fill);
    }

    /** Starts an ATS batch's walks together (see {@link Stage1Translator#prefetchForAts}). */
    public void prefetchForAts(Stage1Context ctx, long[] vas, int[] accesses) {
        translator.prefetchForAts(ctx, vas, accesses);
    }

    /** Counts one ATS request against its stream. */
    public void accountAts(int sid, CostMeter m, boolean failed) {
        StreamCounters c = counters.get(sid);
        if (c != null) {
            c.atsRequest();
        }
        account(sid, m, failed);
    }

    // ---------------------------------------------------------------------------------------------------
    // Maintenance: CommandTarget and the broadcast TLBI input

    @Override
    public void invalidateSte(int sid, int log2Range) {
        configCache.invalidateStreams(sid, log2Range);
        inFlight.drain();
    }

    @Override
    public void invalidateCd(int sid, int ssid) {
        configCache.invalidateCds(sid, ssid);
        inFlight.drain();
    }

    @Override
    public void invalidateTlb(TlbInvalidation invalidation) {
        invalidate(InvalidationScope.of(invalidation, false));
    }

    /**
     * A TLBI the CPU broadcast (BTM). Applied only when IDR0.BTM is implemented, SMMUEN is 1 and SMMU_CR2.PTM
     * is 0; by-ASID and by-VA forms then skip entries of ASET = 1 contexts. Returns whether it was applied.
     */
    public boolean broadcastTlbi(TlbInvalidation invalidation) {
        return broadcastTlbis(List.of(invalidation)) > 0;
    }

    /**
     * A run of broadcast TLBIs and the DSB that follows them, as the CPU issues a range ({@code __flush_tlb_range}:
     * one TLBI VAE1IS per page, then one DSB ISH): every entry goes, then the SMMU waits once for the transactions
     * that may have used any of them. Returns how many were applied (all or none, by the same rules).
     */
    public int broadcastTlbis(List<TlbInvalidation> invalidations) {
        Enabled s = state;
        if (!config.btm() || !s.on || s.ptm) {
            broadcastsIgnored.add(invalidations.size());
            return 0;
        }
        List<InvalidationScope> scopes = new ArrayList<>(invalidations.size());
        for (TlbInvalidation i : invalidations) {
            scopes.add(InvalidationScope.of(i, true));
        }
        invalidate(scopes);
        broadcastsApplied.add(invalidations.size());
        return invalidations.size();
    }

    private void invalidate(InvalidationScope scope) {
        invalidate(List.of(scope));
    }

    private void invalidate(List<InvalidationScope> scopes) {
        epoch.beginInvalidation();
        try {
            for (InvalidationScope scope : scopes) {
                tlb.invalidate(scope);
                walkCache.invalidate(scope);
            }
        } finally {
            epoch.endInvalidation();
        }
        inFlight.drain();
    }

    /** CMD_PREFETCH_CONFIG: loads the configuration into the cache, reporting nothing. */
    @Override
    public void prefetchConfig(int sid, int ssid) {
        Enabled s = state;
        if (s.on) {
            resolve(s, sid, ssid, new CostMeter(), false, epoch.startFill());
        }
    }

    /** STE.PPAR of {@code sid}, for the PRI queue's automatic responses; empty when no legal STE is reachable. */
    @Override
    public Optional<Boolean> ppar(int sid) {
        Enabled s = state;
        if (!s.on) {
            return Optional.empty();
        }
        ConfigCache.SteEntry se = configCache.ste(sid);
        if (se != null) {
            return Optional.of(se.ste().isSet(Ste.PPAR));
        }
        StreamTable.Lookup l = StreamTable.fetch(bus, s.table, sid);
        if (!(l instanceof StreamTable.Found)) {
            return Optional.empty();
        }
        Ste ste = ((StreamTable.Found) l).ste();
        return ste.valid() && SteCheck.illegal(ste, config, s.e2h) == null ? Optional.of(ste.isSet(Ste.PPAR)) : Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------
    // Inspection

    public Iotlb.Stats tlbStats() {
        return tlb.stats();
    }

    public ConfigCache.Stats configCacheStats() {
        return configCache.stats();
    }

    public WalkCache.Stats walkCacheStats() {
        return walkCache.stats();
    }

    /** Transactions whose StreamID reached no STE (C_BAD_STREAMID or F_STE_FETCH). */
    public long badStreamIds() {
        return badStreamIds.sum();
    }

    public long broadcastsApplied() {
        return broadcastsApplied.sum();
    }

    public long broadcastsIgnored() {
        return broadcastsIgnored.sum();
    }

    /** Per-stream counters, by StreamID. */
    public Map<Integer, StreamCounters.Snapshot> streamStats() {
        Map<Integer, StreamCounters.Snapshot> m = new TreeMap<>();
        counters.forEach((sid, c) -> m.put(sid, c.snapshot()));
        return m;
    }
}
