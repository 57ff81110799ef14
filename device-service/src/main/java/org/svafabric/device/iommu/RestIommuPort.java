package org.svafabric.device.iommu;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.web.FabricProperties;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link IommuPort} over iommu-service's REST API. Untranslated transactions use their own
 * client with a long read timeout: a stalled transaction is answered only after CMD_RESUME.
 * A transaction's answer may carry {@value #STALLS_HEADER} (how many times it stalled); without
 * it the device counts none.
 */
public final class RestIommuPort implements IommuPort {
    static final String TRANSLATE = "/iommu/v1/ats/translate";
    static final String PAGE_REQUESTS = "/iommu/v1/pri/requests";
    static final String TRANSACTIONS = "/iommu/v1/streams/{sid}/transactions";
    static final String DEVICES = "/iommu/v1/devices";
    public static final String STALLS_HEADER = "X-Smmu-Stalls";
    /** {@code steFetches=..;cdFetches=..;iotlbHits=..;walks=..;walkReads=..}: what the translations cost the SMMU. */
    public static final String WORK_HEADER = "X-Smmu-Work";
    /** {@code minor=..;major=..;swapIn=..}: what handle_mm_fault took for the transaction's stalls. */
    public static final String FAULT_KINDS_HEADER = "X-Smmu-Fault-Kinds";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final RestClient iommu;
    private final RestClient transactions;

    /** {@code clients}: the service's own, so every call carries its boot id and every answer reports the SMMU's. */
    public RestIommuPort(ServiceClients clients, FabricProperties props, Duration stallTimeout) {
        this.iommu = clients.iommu();
        this.transactions = clients.forBaseUrl(props.services().iommu(), stallTimeout);
    }

    @Override
    public List<AtsCompletion> translate(int sid, Integer pasid, List<AtsRequest> pages) {
        return translateWithWork(sid, pasid, pages).completions();
    }

    @Override
    public AtsAnswer translateWithWork(int sid, Integer pasid, List<AtsRequest> pages) {
        List<IommuCalls.AtsPage> wire = new ArrayList<>(pages.size());
        for (AtsRequest p : pages) {
            wire.add(new IommuCalls.AtsPage(Addr.of(p.addr()), p.write(), p.exec(), p.priv()));
        }
        IommuCalls.AtsTranslation answer = call(() -> iommu.post().uri(TRANSLATE)
                .body(new IommuCalls.AtsTranslate(sid, pasid, wire)).retrieve().body(IommuCalls.AtsTranslation.class));
        if (answer == null || answer.results() == null || answer.results().size() != pages.size()) {
            throw new ErrnoException(Errno.EIO, "bad-ats-completion", "the SMMU answered " + pages.size()
                    + " translation requests with " + (answer == null || answer.results() == null ? 0 : answer.results().size()) + " completions");
        }
        List<AtsCompletion> out = new ArrayList<>(pages.size());
        for (int i = 0; i < pages.size(); i++) {
            out.add(completion(pages.get(i).addr(), answer.results().get(i)));
        }
        return new AtsAnswer(out, answer.smmu());
    }

    private static AtsCompletion completion(long asked, IommuCalls.AtsResult r) {
        long addr = r.addr() == null ? asked : r.addr().value();
        String status = r.status() == null ? "ERROR" : r.status();
        return switch (status) {
            case "OK" -> AtsCompletion.ok(addr, r.pa() == null ? 0 : r.pa().value(), r.size() == null ? 4096 : r.size(),
                    Boolean.TRUE.equals(r.read()), Boolean.TRUE.equals(r.write()), Boolean.TRUE.equals(r.exec()),
                    Boolean.TRUE.equals(r.priv()));
            case "NO_TRANSLATION" -> AtsCompletion.noTranslation(addr);
            default -> AtsCompletion.error(addr, r.event() == null ? "ERROR" : r.event());
        };
    }

    @Override
    public void pageRequests(int sid, Integer pasid, List<PageRequest> requests) {
        List<IommuCalls.PageRequest> wire = new ArrayList<>(requests.size());
        for (PageRequest r : requests) {
            wire.add(new IommuCalls.PageRequest(r.prgIndex(), r.last(), r.read(), r.write(), r.exec(), r.priv(), Addr.of(r.addr())));
        }
        call(() -> iommu.post().uri(PAGE_REQUESTS).body(new IommuCalls.PageRequests(sid, pasid, wire)).retrieve().toBodilessEntity());
    }

    @Override
    public TransactionOutcome transact(int sid, Integer pasid, Transaction t) {
        RestClient.RequestBodySpec spec = transactions.post().uri(b -> {
            b.path(TRANSACTIONS)
                    .queryParam("op", t.write() ? "write" : "read")
                    .queryParam("addr", Addr.hex(t.addr()))
                    .queryParam("length", t.length())
                    .queryParam("priv", t.priv())
                    .queryParam("exec", t.exec());
            if (pasid != null) {
                b.queryParam("pasid", pasid);
            }
            return b.build(sid);
        });
        if (t.write()) {
            spec = spec.contentType(MediaType.APPLICATION_OCTET_STREAM).body(t.data());
        }
        RestClient.RequestBodySpec request = spec;
        return call(() -> request.exchange((req, resp) -> {
            int stalls = stalls(resp.getHeaders().getFirst(STALLS_HEADER));
            DmaEvent.SmmuWork work = work(resp.getHeaders().getFirst(WORK_HEADER));
            DmaEvent.FaultKinds kinds = faultKinds(resp.getHeaders().getFirst(FAULT_KINDS_HEADER));
            byte[] body;
            try (InputStream in = resp.getBody()) {
                body = in.readAllBytes();
            }
            if (resp.getStatusCode().is2xxSuccessful()) {
                if (!t.write() && body.length != t.length()) {
                    throw new ErrnoException(Errno.EIO, "short-transaction", "read of " + t.length() + " bytes returned " + body.length);
                }
                return new TransactionOutcome.Completed(t.write() ? new byte[0] : body, stalls, work, kinds);
            }
            return terminated(resp.getStatusCode(), body, t, stalls, work, kinds);
        }));
    }

    /** A problem with errno EFAULT and an SMMU event is the SMMU terminating the transaction; anything else is an error of the link. */
    private static TransactionOutcome terminated(HttpStatusCode status, byte[] body, Transaction t, int stalls,
                                                 DmaEvent.SmmuWork work, DmaEvent.FaultKinds kinds) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(body);
        } catch (RuntimeException notJson) {
            throw new ErrnoException(Errno.EIO, "downstream-error", "transaction answered " + status.value() + " without a problem document");
        }
        String errno = n.path("errno").asString("");
        String event = n.path("event").asString("");
        if (Errno.EFAULT.name().equals(errno) && !event.isEmpty()) {
            long addr = t.addr();
            if (n.hasNonNull("addr")) {
                addr = n.get("addr").isNumber() ? n.get("addr").asLong() : Addr.parseHex(n.get("addr").asString());
            }
            return new TransactionOutcome.Terminated(event, addr, stalls, work, kinds);
        }
        Errno e = Errno.EIO;
        for (Errno x : Errno.values()) {
            if (x.name().equals(errno)) {
                e = x;
            }
        }
        throw new ErrnoException(e, "transaction-refused", status, n.path("detail").asString("transaction refused"));
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
        call(() -> iommu.post().uri(DEVICES).body(description).retrieve().toBodilessEntity());
    }

    private interface Call<T> {
        T run();
    }

    private static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (RuntimeException e) {
            throw ServiceClients.translate(e);
        }
    }

    @Override
    public boolean addressSpaceLive(int pasid) {
        try {
            iommu.get().uri("/iommu/v1/sva/pasids/{pasid}", pasid).retrieve().toBodilessEntity();
            return true;
        } catch (ErrnoException e) {
            return e.status().value() != 404;
        } catch (RuntimeException e) {
            return true;
        }
    }
}
