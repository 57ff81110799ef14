package org.svafabric.device.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.device.iommu.AtsRequest;
import org.svafabric.device.iommu.Transaction;
import org.svafabric.device.iommu.TransactionOutcome;
import org.svafabric.iommu.api.SmmuPorts;
import org.svafabric.iommu.core.iopf.FaultKindNotes;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.ats.TranslationWork;
import org.svafabric.iommu.hw.layout.Cd;
import org.svafabric.iommu.hw.layout.Cr0;
import org.svafabric.iommu.hw.layout.Cr2;
import org.svafabric.iommu.hw.layout.SmmuReg;
import org.svafabric.iommu.hw.layout.Ste;
import org.svafabric.iommu.hw.layout.StrtabBase;
import org.svafabric.iommu.hw.port.DmaAccess;
import org.svafabric.iommu.hw.port.DmaResult;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.stall.StallHold;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;

/**
 * The real SMMU model (iommu-service's {@code hw}: {@link SmmuV3}, its ATS service and untranslated port, reached
 * through {@link SmmuPorts} as iommu-service's controller reaches them) behind the devices' link, over the test's
 * in-JVM memory bus. It is programmed as the driver would: a linear stream table, one linear CD table of 1024
 * contexts per stream (Linux's CTXDESC_LINEAR_CDMAX), STEs and CDs built with the architecture's one layout
 * ({@code hw.layout}), and the configuration caches and TLB invalidated where the driver's CMD_CFGI_* and
 * CMD_TLBI_* would. Software's side of a stall (the IOPF core and CMD_RESUME) is the {@code stalls} hold given.
 */
final class SmmuModel {
    private static final int LOG2_STREAMS = 12;
    private static final int CD_MAX = 10;
    private static final long MAIR = 0x0000_0000_0044_ff04L;
    private static final int IPS_48 = 0b101;

    private final MemoryBus bus;
    private final SmmuV3 smmu;
    private final SmmuPorts ports;
    private final FaultKindNotes notes = new FaultKindNotes();
    private final long strtab;
    /** StreamID -> its CD table, for every stream a device used. */
    private final Map<Integer, Long> cdTables = new ConcurrentHashMap<>();
    /** PASID -> page-table base of the bound address space (every stream's CD at that SSID). */
    private final Map<Integer, Long> bound = new ConcurrentHashMap<>();
    /** StreamID -> page-table base of the stream's classical domain (its CD 0, for requests without PASID). */
    private final Map<Integer, Long> domains = new ConcurrentHashMap<>();
    private volatile boolean stall;

    /** The name the fault notes keep a stream's stalls by (iommu-service keeps them by device; this model has only StreamIDs). */
    static String streamName(int sid) {
        return "sid-" + sid;
    }

    SmmuModel(MemoryBus bus, StallHold stalls) {
        this.bus = bus;
        this.smmu = new SmmuV3(SmmuConfig.defaults(), bus);
        this.ports = new SmmuPorts(smmu, null, stalls, event -> true, notes, SmmuModel::streamName);
        int bytes = (1 << LOG2_STREAMS) * Ste.SIZE;
        this.strtab = bus.allocKernelPages("test-strtab", bytes / 4096);
        // Every STE written at probe (V = 0), as arm_smmu_init_strtab_linear does: a later STE write is no new RAM.
        bus.write(strtab, new byte[bytes]);
        smmu.registers().write(SmmuReg.STRTAB_BASE, StrtabBase.ADDR.withAddress(0, strtab));
        smmu.registers().write(SmmuReg.STRTAB_BASE_CFG, StrtabBase.LOG2SIZE.with(0, LOG2_STREAMS));
        smmu.registers().write(SmmuReg.CR2, Cr2.RECINVSID.mask());
        smmu.registers().write(SmmuReg.CR0, Cr0.SMMUEN.mask());
    }

    /** What handle_mm_fault took for a stall the hold resolved (the answer to the device carries it). */
    FaultKindNotes notes() {
        return notes;
    }

    /** iommu_sva_bind: the CD at SSID {@code pasid} of every stream, then CMD_CFGI_CD. */
    synchronized void bind(int pasid, long pgd) {
        bound.put(pasid, pgd);
        cdTables.forEach((sid, table) -> writeCd(sid, table, pasid, pgd));
    }

    /** Unbind: the CD cleared, CMD_CFGI_CD, CMD_TLBI_NH_ASID. */
    synchronized void unbind(int pasid) {
        bound.remove(pasid);
        cdTables.forEach((sid, table) -> {
            bus.write(table + (long) pasid * Cd.SIZE, Words.toBytes(Cd.INVALID.words()));
            smmu.invalidateCd(sid, pasid);
        });
        smmu.invalidateTlb(TlbInvalidation.asid(TlbInvalidation.Regime.NH, asid(pasid)));
    }

    /** A classical DMA domain for the stream's requests without PASID (CD 0, S1DSS = SSID0). */
    synchronized void domain(int sid, long pgd) {
        domains.put(sid, pgd);
        long table = stream(sid);
        writeCd(sid, table, 0, pgd);
    }

    /** CMD_TLBI_NH_VA for one page of the address space bound at {@code pasid}. */
    void invalidate(int pasid, long va) {
        smmu.invalidateTlb(TlbInvalidation.va(TlbInvalidation.Regime.NH, asid(pasid), va, true));
    }

    /** Stalling on or off: every CD's S and every STE's S1STALLD rewritten and their caches invalidated. */
    synchronized void stall(boolean on) {
        stall = on;
        cdTables.forEach((sid, table) -> {
            writeSte(sid, table);
            Long d = domains.get(sid);
            if (d != null) {
                writeCd(sid, table, 0, d);
            }
            bound.forEach((pasid, pgd) -> writeCd(sid, table, pasid, pgd));
        });
    }

    IommuCalls.AtsTranslation translate(int sid, Integer pasid, List<AtsRequest> pages) {
        stream(sid);
        List<org.svafabric.iommu.hw.ats.AtsRequest> req = new ArrayList<>(pages.size());
        for (AtsRequest p : pages) {
            req.add(new org.svafabric.iommu.hw.ats.AtsRequest(p.addr(), p.write(), p.exec(), p.priv()));
        }
        TranslationWork work = new TranslationWork();
        List<AtsCompletion> done = ports.translate(sid, ssid(pasid), req, work);
        return new IommuCalls.AtsTranslation(done, smmuWork(work));
    }

    TransactionOutcome transact(int sid, Integer pasid, Transaction t) {
        stream(sid);
        int length = t.write() ? t.data().length : t.length();
        DmaAccess access = new DmaAccess(t.addr(), t.write(), t.data(), length, t.priv(), t.exec());
        SmmuPorts.Transaction done;
        try {
            done = ports.transact(sid, ssid(pasid), access).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the SMMU model did not finish a transaction", e);
        }
        DmaEvent.SmmuWork work = smmuWork(done.work());
        if (done.result() instanceof DmaResult.Done d) {
            return new TransactionOutcome.Completed(t.write() ? new byte[0] : d.data(), done.stalls(), work, done.faultKinds());
        }
        DmaResult.Aborted a = (DmaResult.Aborted) done.result();
        return new TransactionOutcome.Terminated(a.event() == null ? "ABORT" : a.event().type().name(), a.va(), done.stalls(),
                work, done.faultKinds());
    }

    private long stream(int sid) {
        Long t = cdTables.get(sid);
        if (t != null) {
            return t;
        }
        synchronized (this) {
            return cdTables.computeIfAbsent(sid, s -> {
                long table = bus.allocKernelPages("test-cdtab", ((1 << CD_MAX) * Cd.SIZE) / 4096);
                bound.forEach((pasid, pgd) -> writeCd(s, table, pasid, pgd));
                writeSte(s, table);
                return table;
            });
        }
    }

    private void writeSte(int sid, long table) {
        Ste ste = Ste.INVALID.with(Ste.V, true).with(Ste.CONFIG, Ste.CONFIG_S1_TRANS).with(Ste.S1FMT, Ste.S1FMT_LINEAR)
                .withAddress(Ste.S1_CONTEXT_PTR, table).with(Ste.S1CDMAX, CD_MAX).with(Ste.S1DSS, Ste.S1DSS_SSID0)
                .with(Ste.S1CIR, 0b01).with(Ste.S1COR, 0b01).with(Ste.S1CSH, 0b11)
                .with(Ste.S1STALLD, !stall).with(Ste.EATS, Ste.EATS_TRANS).with(Ste.STRW, Ste.STRW_NSEL1);
        bus.write(strtab + (long) sid * Ste.SIZE, Words.toBytes(ste.words()));
        smmu.invalidateSte(sid, 0);
    }

    /** The CD Linux writes for a shared address space (arm_smmu_write_ctx_desc): TTB0 = pgd, T0SZ 16, 4 KiB, EPD1. */
    private void writeCd(int sid, long table, int ssid, long pgd) {
        Cd cd = Cd.INVALID.with(Cd.T0SZ, 16).with(Cd.TG0, Cd.TG0_4K).with(Cd.IR0, Cd.RGN_WBWA).with(Cd.OR0, Cd.RGN_WBWA)
                .with(Cd.SH0, Cd.SH_IS).with(Cd.EPD1, true).with(Cd.V, true).with(Cd.IPS, IPS_48).with(Cd.AA64, true)
                .with(Cd.HD, true).with(Cd.HA, true).with(Cd.S, stall).with(Cd.R, true).with(Cd.A, true)
                .with(Cd.ASID, ssid == 0 ? 128 + (sid & 0x7f) : asid(ssid)).withAddress(Cd.TTB0, pgd).with(Cd.MAIR, MAIR);
        bus.write(table + (long) ssid * Cd.SIZE, Words.toBytes(cd.words()));
        smmu.invalidateCd(sid, ssid);
    }

    private static int asid(int pasid) {
        return pasid & 0x7f;
    }

    private static int ssid(Integer pasid) {
        return pasid == null ? TransactionRequest.NO_SSID : pasid;
    }

    private static DmaEvent.SmmuWork smmuWork(TranslationWork w) {
        return new DmaEvent.SmmuWork(w.steReads(), w.cdReads(), w.tlbHits(), w.walks(), w.walkReads());
    }
}
