package org.svafabric.device.iommu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClientException;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.SmmuPortApi;
import org.svafabric.api.iommu.TransactionTerminated;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.wire.AtsCompletion;
import org.svafabric.api.wire.AtsLinkCodec;
import org.svafabric.api.wire.Headers;

/**
 * {@link IommuPort} over iommu-service's {@link SmmuPortApi} (what a device sends upstream) and
 * {@link IommuApi} (hotplug, iommu_sva_find). Untranslated transactions use their own client with a long read
 * timeout: a stalled transaction is answered only after CMD_RESUME. A completed transaction's answer may carry
 * {@link Headers#SMMU_STALLS} (how many times it stalled); without it the device counts none.
 */
public final class RestIommuPort implements IommuPort {
    private final SmmuPortApi link;
    private final SmmuPortApi transactions;
    private final IommuApi iommu;
    /** The SMMU the device sits behind; null: the first (a one-SMMU machine's). */
    private final String smmu;

    /** {@code clients}: the service's own, so every call carries its boot id and every answer reports the SMMU's. */
    public RestIommuPort(ServiceClients clients, Duration stallTimeout) {
        this(clients.of(RemoteService.IOMMU, SmmuPortApi.class), clients.of(RemoteService.IOMMU, SmmuPortApi.class, stallTimeout),
                clients.iommu(), null);
    }

    private RestIommuPort(SmmuPortApi link, SmmuPortApi transactions, IommuApi iommu, String smmu) {
        this.link = link;
        this.transactions = transactions;
        this.iommu = iommu;
        this.smmu = smmu;
    }

    /** The same link, into the SMMU named {@code name}: every upstream message names it. */
    @Override
    public IommuPort toSmmu(String name) {
        return new RestIommuPort(link, transactions, iommu, name);
    }

    @Override
    public List<AtsCompletion> translate(int sid, Integer pasid, List<AtsRequest> pages) {
        return translateWithWork(sid, pasid, pages).results();
    }

    @Override
    public IommuCalls.AtsTranslation translateWithWork(int sid, Integer pasid, List<AtsRequest> pages) {
        List<IommuCalls.AtsPage> wire = new ArrayList<>(pages.size());
        for (AtsRequest p : pages) {
            wire.add(new IommuCalls.AtsPage(Addr.of(p.addr()), p.write(), p.exec(), p.priv()));
        }
        IommuCalls.AtsTranslation answer;
        try {
            answer = link.translate(new IommuCalls.AtsTranslate(sid, pasid, wire), smmu);
        } catch (RestClientException e) {
            // A completion the link's codec could not read is the SMMU's fault, said as such (not a transport failure).
            if (e.getMostSpecificCause() instanceof AtsLinkCodec.Malformed m) {
                throw new ErrnoException(Errno.EIO, "bad-ats-completion", m.getMessage());
            }
            throw e;
        }
        if (answer == null || answer.results() == null || answer.results().size() != pages.size()) {
            throw new ErrnoException(Errno.EIO, "bad-ats-completion", "the SMMU answered " + pages.size()
                    + " translation requests with " + (answer == null || answer.results() == null ? 0 : answer.results().size()) + " completions");
        }
        for (AtsCompletion c : answer.results()) {
            if (c == null || c.addr() == null || c.status() == null) {
                throw new ErrnoException(Errno.EIO, "bad-ats-completion", "the SMMU answered a completion without addr or status");
            }
        }
        return answer;
    }

    @Override
    public void pageRequests(int sid, Integer pasid, List<PageRequest> requests) {
        List<IommuCalls.PageRequest> wire = new ArrayList<>(requests.size());
        for (PageRequest r : requests) {
            wire.add(new IommuCalls.PageRequest(r.prgIndex(), r.last(), r.read(), r.write(), r.exec(), r.priv(), Addr.of(r.addr())));
        }
        link.pageRequests(new IommuCalls.PageRequests(sid, pasid, wire), smmu);
    }

    @Override
    public TransactionOutcome transact(int sid, Integer pasid, Transaction t) {
        ResponseEntity<byte[]> r;
        try {
            r = transactions.transaction(sid, t.write() ? SmmuPortApi.WRITE : SmmuPortApi.READ, Addr.hex(t.addr()), t.length(),
                    pasid, t.priv(), t.exec(), smmu, t.write() ? t.data() : null);
        } catch (TransactionTerminated e) {
            return new TransactionOutcome.Terminated(e.event(), e.addr(), e.stalls(), work(e.workHeader()),
                    faultKinds(e.faultKindsHeader()));
        }
        int stalls = stalls(r.getHeaders().getFirst(Headers.SMMU_STALLS));
        DmaEvent.SmmuWork work = work(r.getHeaders().getFirst(Headers.SMMU_WORK));
        DmaEvent.FaultKinds kinds = faultKinds(r.getHeaders().getFirst(Headers.SMMU_FAULT_KINDS));
        byte[] body = r.getBody() == null ? new byte[0] : r.getBody();
        if (!t.write() && body.length != t.length()) {
            throw new ErrnoException(Errno.EIO, "short-transaction", "read of " + t.length() + " bytes returned " + body.length);
        }
        return new TransactionOutcome.Completed(t.write() ? new byte[0] : body, stalls, work, kinds);
    }

    /** The header's {@code name=value} pairs; a missing header, pair or malformed value counts 0 (the SMMU did not tell). */
    static Map<String, Integer> pairs(String header) {
        Map<String, Integer> out = new HashMap<>();
        if (header == null) {
            return out;
        }
        for (String pair : header.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    out.put(pair.substring(0, eq).trim(), Integer.parseInt(pair.substring(eq + 1).trim()));
                } catch (NumberFormatException ignored) {
                    // not a count: treated as absent
                }
            }
        }
        return out;
    }

    static DmaEvent.SmmuWork work(String header) {
        Map<String, Integer> p = pairs(header);
        return new DmaEvent.SmmuWork(p.getOrDefault("steFetches", 0), p.getOrDefault("cdFetches", 0),
                p.getOrDefault("iotlbHits", 0), p.getOrDefault("walks", 0), p.getOrDefault("walkReads", 0));
    }

    static DmaEvent.FaultKinds faultKinds(String header) {
        Map<String, Integer> p = pairs(header);
        return new DmaEvent.FaultKinds(p.getOrDefault("minor", 0), p.getOrDefault("major", 0), p.getOrDefault("swapIn", 0));
    }

    private static int stalls(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public void hotplug(DeviceDescription description) {
        iommu.hotplug(description);
    }

    @Override
    public boolean addressSpaceLive(int pasid) {
        try {
            iommu.find(pasid);
            return true;
        } catch (ErrnoException e) {
            return e.status().value() != 404;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
