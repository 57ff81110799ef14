package org.svafabric.iommu.hw.ats;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsStatus;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.StreamConfig;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.Translation;
import org.svafabric.iommu.hw.event.Event;
import org.svafabric.iommu.hw.event.EventSink;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.walker.Access;
import org.svafabric.iommu.hw.walker.CostMeter;
import org.svafabric.iommu.hw.walker.DescriptorBurst;
import org.svafabric.iommu.hw.walker.Perm;
import org.svafabric.iommu.hw.walker.Stage1Context;
import org.svafabric.iommu.hw.walker.Stage1Translator;

/**
 * The SMMU's ATS interface: Translation Requests from PCIe endpoints, answered with Translation Completions
 * (IHI 0070 §3.9.1.2, §13.7). A batch shares one StreamID and optional PASID, as one request for several
 * pages would.
 * <ul>
 * <li>UR: no ATS in IDR0, SMMUEN = 0 (F_BAD_ATS_TREQ), STE.Config = abort (no event), Config = bypass or
 *     effective STE.EATS = 0b00 (F_BAD_ATS_TREQ).</li>
 * <li>CA: configuration errors (C_BAD_STREAMID, C_BAD_STE, C_BAD_SUBSTREAMID, F_STREAM_DISABLED, C_BAD_CD,
 *     fetch and walk aborts); their events are recorded only with SMMU_CR2.REC_CFG_ATS (C_BAD_STREAMID also
 *     needs RECINVSID), and never for an STE with V = 0.</li>
 * <li>Translation, Address Size and Access faults: Success with R = W = 0, no event; ATS never stalls and
 *     CD.A/R/S do not apply.</li>
 * <li>Otherwise Success with the permissions at the request's privilege: R if readable, W if writable (after
 *     HTTU: a request without No-Write marks a writable-clean page dirty), Exe only if requested, readable
 *     and executable. Without a PASID, Priv and Exe are 0.</li>
 * <li>S1DSS = bypass for a request without PASID: Success, identity, R = W = 1.</li>
 * </ul>
 * F_BAD_ATS_TREQ is recorded once per batch rather than once per page.
 */
public final class AtsService {
    private final SmmuV3 smmu;
    private final EventSink events;

    public AtsService(SmmuV3 smmu, EventSink events) {
        this.smmu = smmu;
        this.events = events;
    }

    /** Translates {@code pages} for stream {@code sid} with PASID {@code ssid} (-1: no PASID prefix). */
    public List<AtsCompletion> translate(int sid, int ssid, List<AtsRequest> pages) {
        return translate(sid, ssid, pages, new TranslationWork());
    }

    /** The same, adding what each translation of the batch cost to {@code work}. */
    public List<AtsCompletion> translate(int sid, int ssid, List<AtsRequest> pages, TranslationWork work) {
        List<AtsCompletion> out = new ArrayList<>(pages.size());
        boolean ssv = ssid != TransactionRequest.NO_SSID;
        if (!smmu.config().ats()) {
            pages.forEach(p -> out.add(AtsCompletion.unsupported(p.addr(), null)));
            return out;
        }
        if (!smmu.enabled()) {
            events.record(withRequest(Event.config(EventType.F_BAD_ATS_TREQ, sid, ssv, Math.max(ssid, 0)), ssv, pages));
            pages.forEach(p -> out.add(AtsCompletion.unsupported(p.addr(), EventType.F_BAD_ATS_TREQ.name())));
            return out;
        }
        CostMeter configCost = new CostMeter();
        long fill = smmu.startFill();
        StreamConfig c = smmu.resolveForAts(sid, ssid, configCost, fill);
        if (c instanceof StreamConfig.Stop) {
            refuse((StreamConfig.Stop) c, sid, ssv, pages, out);
            smmu.accountAts(sid, configCost, true);
            work.add(configCost);
            return out;
        }
        if (c instanceof StreamConfig.Bypass) {
            // Only S1DSS = bypass gets here (Config = bypass stopped with F_BAD_ATS_TREQ): identity, R = W = 1.
            pages.forEach(p -> out.add(AtsCompletion.granted(p.addr(), p.addr() & -(1L << AtsCompletion.STU_SHIFT),
                    AtsCompletion.STU_SHIFT, true, true, false, false)));
            smmu.accountAts(sid, configCost, false);
            work.add(configCost);
            return out;
        }
        Stage1Context ctx = ((StreamConfig.Stage1) c).cd().ctx();
        boolean first = true;
        // One burst per batch: consecutive pages share their leaf table's lines, read as one run, and the runs
        // of the tables the walk cache knows are fetched together before the first walk.
        try (DescriptorBurst burst = DescriptorBurst.open(pages.size())) {
            prefetch(ctx, ssv, pages);
            for (AtsRequest p : pages) {
                CostMeter m = first ? configCost : new CostMeter();
                first = false;
                boolean priv = ssv && p.priv();
                boolean exec = ssv && p.exec();
                Stage1Translator.Outcome o = smmu.translateForAts(ctx, p.addr(), p.write(), priv, m, fill);
                AtsCompletion done = complete(o, p, priv, exec, sid, ssid);
                out.add(done);
                smmu.accountAts(sid, m, done.status() != AtsStatus.OK);
                work.add(m);
            }
        }
        return out;
    }

    /** The batch's walks started together: each page as {@link SmmuV3#translateForAts} will walk it. */
    private void prefetch(Stage1Context ctx, boolean ssv, List<AtsRequest> pages) {
        long[] vas = new long[pages.size()];
        int[] accesses = new int[pages.size()];
        for (int i = 0; i < vas.length; i++) {
            AtsRequest p = pages.get(i);
            vas[i] = p.addr();
            accesses[i] = Access.of(p.write(), false, ssv && p.priv());
        }
        smmu.prefetchForAts(ctx, vas, accesses);
    }

    private AtsCompletion complete(Stage1Translator.Outcome o, AtsRequest p, boolean priv, boolean exec, int sid, int ssid) {
        if (o instanceof Stage1Translator.Faulted) {
            Stage1Translator.Faulted f = (Stage1Translator.Faulted) o;
            if (f.type() == EventType.F_WALK_EABT) {
                if (smmu.recordsAtsConfigErrors()) {
                    events.record(Event.config(EventType.F_WALK_EABT, sid, ssid >= 0, Math.max(ssid, 0))
                            .withFetchAddr(f.fetchPa()));
                }
                return AtsCompletion.abort(p.addr(), EventType.F_WALK_EABT.name());
            }
            return AtsCompletion.noTranslation(p.addr(), priv, f.type().name());
        }
        Stage1Translator.Mapped m = (Stage1Translator.Mapped) o;
        boolean r = Perm.canRead(m.perms(), priv);
        boolean w = Perm.canWrite(m.perms(), priv);
        if (!r && !w) {
            return AtsCompletion.noTranslation(p.addr(), priv, EventType.F_PERMISSION.name());
        }
        boolean x = exec && r && Perm.canExec(m.perms(), priv);
        return AtsCompletion.granted(p.addr(), m.pa() & -(1L << m.sizeShift()), m.sizeShift(), r, w, x, priv);
    }

    /** A stop before any page was translated: UR or CA for every page, and the event if the rules say so. */
    private void refuse(StreamConfig.Stop stop, int sid, boolean ssv, List<AtsRequest> pages, List<AtsCompletion> out) {
        if (stop.result() instanceof Translation.Aborted) {
            pages.forEach(p -> out.add(AtsCompletion.unsupported(p.addr(), null)));
            return;
        }
        Translation.Fault f = (Translation.Fault) stop.result();
        EventType type = f.event().type();
        if (type == EventType.F_BAD_ATS_TREQ) {
            events.record(withRequest(f.event(), ssv, pages));
            pages.forEach(p -> out.add(AtsCompletion.unsupported(p.addr(), type.name())));
            return;
        }
        boolean record = smmu.recordsAtsConfigErrors() && !stop.steInvalid()
                && (type != EventType.C_BAD_STREAMID || smmu.recordsInvalidStreamIds());
        if (record) {
            events.record(f.event());
        }
        pages.forEach(p -> out.add(AtsCompletion.abort(p.addr(), type.name())));
    }

    /**
     * The batch as the one Translation Request it stands for (IHI 0070 §7.3.6): InputAddr its first page, R = 1,
     * W = !NW, X and PRIV as requested (only with a PASID prefix), Span its number of STUs (4 KiB pages here).
     */
    private static Event withRequest(Event e, boolean ssv, List<AtsRequest> pages) {
        boolean w = pages.stream().anyMatch(AtsRequest::write);
        boolean x = ssv && pages.stream().anyMatch(AtsRequest::exec);
        boolean priv = ssv && pages.stream().anyMatch(AtsRequest::priv);
        long addr = pages.isEmpty() ? 0 : pages.get(0).addr() & -(1L << AtsCompletion.STU_SHIFT);
        return e.withAtsRequest(addr, new Event.AtsTreq(true, w, x, priv, Math.min(pages.size(), 0xffff)));
    }
}
