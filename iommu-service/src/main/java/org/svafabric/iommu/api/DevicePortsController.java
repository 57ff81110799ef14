package org.svafabric.iommu.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.iommu.platform.SmmuUnits;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.error.Problems;
import org.svafabric.api.iommu.SmmuPortApi;
import org.svafabric.api.iommu.TransactionTerminated;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.wire.Headers;
import org.svafabric.iommu.hw.TransactionRequest;
import org.svafabric.iommu.hw.ats.AtsRequest;
import org.svafabric.iommu.hw.ats.TranslationWork;
import org.svafabric.iommu.hw.port.DmaAccess;
import org.svafabric.iommu.hw.port.DmaResult;
import org.svafabric.iommu.hw.pri.PageRequest;

/**
 * What devices send the SMMU (device-service calls these through {@link SmmuPortApi}; a contract test holds
 * these mappings to it, since the transaction answers asynchronously): ATS Translation Requests, PRI Page Requests and
 * untranslated transactions. A terminated transaction answers EFAULT with the SMMU event that ended it; a
 * stalled one answers when CMD_RESUME (or the watchdog) lets it go, without holding a request thread.
 */
@RestController
public class DevicePortsController {
    /** How many times the transaction stalled (device-service counts stalls from it). */
    public static final String STALLS_HEADER = Headers.SMMU_STALLS;
    /** What the transaction's translations cost the SMMU, for the device's timing model (see {@link #workHeader}). */
    public static final String WORK_HEADER = Headers.SMMU_WORK;
    /** What handle_mm_fault took for the transaction's stalls: {@code minor=..;major=..;swapIn=..}. */
    public static final String FAULT_KINDS_HEADER = Headers.SMMU_FAULT_KINDS;
    static final int MAX_TRANSACTION = 16 << 20;
    private static final int PAGE = 4096;

    private final SmmuUnits units;

    public DevicePortsController(SmmuUnits units) {
        this.units = units;
    }

    /** The ports of the SMMU a device names ({@code smmu}; none: the first), whose StreamIDs its {@code sid} is one of. */
    private SmmuPorts ports(String smmu) {
        return units.named(smmu).ports();
    }

    @PostMapping("/iommu/v1/ats/translate")
    public IommuCalls.AtsTranslation translate(@RequestBody IommuCalls.AtsTranslate body,
                                               @RequestParam(name = "smmu", required = false) String smmu) {
        if (body == null || body.pages() == null || body.pages().isEmpty() || body.sid() < 0) {
            throw ErrnoException.invalid("sid and a non-empty pages list are required");
        }
        List<AtsRequest> pages = new ArrayList<>(body.pages().size());
        for (IommuCalls.AtsPage p : body.pages()) {
            if (p == null || p.addr() == null) {
                throw ErrnoException.invalid("every page needs an addr");
            }
            pages.add(new AtsRequest(p.addr().value(), p.write(), p.exec(), p.priv()));
        }
        TranslationWork work = new TranslationWork();
        return new IommuCalls.AtsTranslation(ports(smmu).translate(body.sid(), ssid(body.pasid()), pages, work), smmuWork(work));
    }

    @PostMapping("/iommu/v1/pri/requests")
    public ResponseEntity<Void> pageRequests(@RequestBody IommuCalls.PageRequests body,
                                             @RequestParam(name = "smmu", required = false) String smmu) {
        if (body == null || body.requests() == null || body.sid() < 0) {
            throw ErrnoException.invalid("sid and requests are required");
        }
        List<PageRequest> ppr = new ArrayList<>(body.requests().size());
        for (IommuCalls.PageRequest r : body.requests()) {
            if (r == null || r.addr() == null || r.prgIndex() < 0 || r.prgIndex() > 0x1ff) {
                throw ErrnoException.invalid("every request needs an addr and a 9-bit prgIndex");
            }
            ppr.add(new PageRequest(body.sid(), body.pasid() != null, body.pasid() == null ? 0 : body.pasid(), r.prgIndex(),
                    r.last(), r.read(), r.write(), r.exec(), r.priv(), r.addr().value() & -PAGE));
        }
        ports(smmu).pageRequests(ppr);
        return ResponseEntity.accepted().build();
    }

    @PostMapping("/iommu/v1/streams/{sid}/transactions")
    public CompletionStage<ResponseEntity<?>> transaction(@PathVariable int sid, @RequestParam String op,
                                                          @RequestParam String addr, @RequestParam(required = false) Integer length,
                                                          @RequestParam(required = false) Integer pasid,
                                                          @RequestParam(defaultValue = "false") boolean priv,
                                                          @RequestParam(defaultValue = "false") boolean exec,
                                                          @RequestParam(name = "smmu", required = false) String smmu,
                                                          @RequestBody(required = false) byte[] data) {
        long va = Addr.parseHex(addr);
        DmaAccess access;
        if (SmmuPortApi.WRITE.equals(op)) {
            if (data == null || data.length == 0 || data.length > MAX_TRANSACTION) {
                throw ErrnoException.invalid("a write carries 1.." + MAX_TRANSACTION + " bytes");
            }
            access = new DmaAccess(va, true, data, data.length, priv, false);
        } else if (SmmuPortApi.READ.equals(op)) {
            if (length == null || length <= 0 || length > MAX_TRANSACTION) {
                throw ErrnoException.invalid("a read needs length 1.." + MAX_TRANSACTION);
            }
            access = new DmaAccess(va, false, null, length, priv, exec);
        } else {
            throw ErrnoException.invalid("op must be read or write");
        }
        return ports(smmu).transact(sid, ssid(pasid), access).thenApply(t -> answer(t, access));
    }

    static DmaEvent.SmmuWork smmuWork(TranslationWork w) {
        return new DmaEvent.SmmuWork(w.steReads(), w.cdReads(), w.tlbHits(), w.walks(), w.walkReads());
    }

    /** {@code steFetches=..;cdFetches=..;iotlbHits=..;walks=..;walkReads=..}: the fields of {@link DmaEvent.SmmuWork}. */
    static String workHeader(TranslationWork w) {
        return "steFetches=" + w.steReads() + ";cdFetches=" + w.cdReads() + ";iotlbHits=" + w.tlbHits() + ";walks=" + w.walks()
                + ";walkReads=" + w.walkReads();
    }

    static String faultKindsHeader(DmaEvent.FaultKinds k) {
        return "minor=" + k.minor() + ";major=" + k.major() + ";swapIn=" + k.swapIn();
    }

    private static ResponseEntity<?> answer(SmmuPorts.Transaction t, DmaAccess access) {
        String stalls = Integer.toString(t.stalls());
        String work = workHeader(t.work());
        String kinds = faultKindsHeader(t.faultKinds());
        if (t.result() instanceof DmaResult.Done done) {
            if (access.write()) {
                return ResponseEntity.noContent().header(STALLS_HEADER, stalls).header(WORK_HEADER, work)
                        .header(FAULT_KINDS_HEADER, kinds).build();
            }
            return ResponseEntity.ok().header(STALLS_HEADER, stalls).header(WORK_HEADER, work).header(FAULT_KINDS_HEADER, kinds)
                    .contentType(MediaType.APPLICATION_OCTET_STREAM).body(done.data());
        }
        DmaResult.Aborted a = (DmaResult.Aborted) t.result();
        String event = a.event() == null ? "ABORT" : a.event().type().name();
        ProblemDetail pd = Problems.of(TransactionTerminated.of(event, a.va(), t.stalls(), a.reason()));
        return ResponseEntity.status(HttpStatus.BAD_REQUEST).header(STALLS_HEADER, stalls).header(WORK_HEADER, work)
                .header(FAULT_KINDS_HEADER, kinds)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    private static int ssid(Integer pasid) {
        if (pasid == null) {
            return TransactionRequest.NO_SSID;
        }
        if (pasid < 0 || pasid >= (1 << 20)) {
            throw ErrnoException.invalid("pasid must be a 20-bit value");
        }
        return pasid;
    }
}
