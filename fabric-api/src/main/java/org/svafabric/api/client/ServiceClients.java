package org.svafabric.api.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerBoots;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.api.web.ServiceCredentialFilter;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * RestClients for service-to-service calls: the service credential on every request, connect
 * and read timeouts, and a downstream problem+json re-raised as the same {@link ErrnoException}
 * (type, status, errno, detail), so the gateway relays the kernel's answer unchanged.
 */
public final class ServiceClients {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final FabricProperties props;
    private final HttpClient http;
    /** This service's boot, sent on every call; null: calls carry none (tools, tests). */
    private final BootId self;
    /** Where the peers' boot ids seen in answers go; null: not watched. */
    private final PeerBoots boots;
    /** RestClients are immutable and thread-safe: one per base URL and read timeout, built once. */
    private final Map<String, RestClient> byUrlAndTimeout = new ConcurrentHashMap<>();

    public ServiceClients(FabricProperties props) {
        this(props, null, null);
    }

    /** Calls carry {@code self}'s boot id and name; answers' boot ids go to {@code boots} (see {@link PeerBoots}). */
    public ServiceClients(FabricProperties props, BootId self, PeerBoots boots) {
        this.props = props;
        this.self = self;
        this.boots = boots;
        this.http = HttpClient.newBuilder()
                .connectTimeout(props.timeouts().connect())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public RestClient mm() {
        return forBaseUrl(props.services().mm());
    }

    public RestClient iommu() {
        return forBaseUrl(props.services().iommu());
    }

    public RestClient device() {
        return forBaseUrl(props.services().device());
    }

    public RestClient forBaseUrl(String baseUrl) {
        return forBaseUrl(baseUrl, props.timeouts().read());
    }

    /** A client for calls that legitimately take long (a DMA job the caller waits for). */
    public RestClient forBaseUrl(String baseUrl, java.time.Duration readTimeout) {
        return byUrlAndTimeout.computeIfAbsent(baseUrl + " " + readTimeout, k -> build(baseUrl, readTimeout));
    }

    private RestClient build(String baseUrl, java.time.Duration readTimeout) {
        String peer = serviceAt(baseUrl);
        JdkClientHttpRequestFactory rf = new JdkClientHttpRequestFactory(http);
        rf.setReadTimeout(readTimeout);
        RestClient.Builder b = RestClient.builder()
                .baseUrl(baseUrl)
                .requestFactory(rf)
                .defaultStatusHandler(HttpStatusCode::isError, (req, resp) -> {
                    throw problemOf(req.getURI(), resp);
                })
                .requestInterceptor((req, body, exec) -> {
                    ClientHttpResponse resp;
                    try {
                        resp = exec.execute(req, body);
                    } catch (IOException e) {
                        throw unreachableService(req.getURI(), e);
                    }
                    if (boots != null && peer != null) {
                        boots.observe(peer, resp.getHeaders().getFirst(BootId.HEADER));
                    }
                    return resp;
                });
        if (self != null) {
            b.defaultHeader(BootId.HEADER, self.id());
            b.defaultHeader(BootId.SERVICE_HEADER, self.service());
        }
        if (props.serviceToken() != null && !props.serviceToken().isBlank()) {
            b.defaultHeader(ServiceCredentialFilter.HEADER, props.serviceToken());
        }
        return b.build();
    }

    /** The service configured at {@code baseUrl} (by {@link BootId} name), or null for another address. */
    public String serviceAt(String baseUrl) {
        FabricProperties.Services s = props.services();
        String u = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (u.equals(s.mm())) {
            return BootId.MM;
        }
        if (u.equals(s.iommu())) {
            return BootId.IOMMU;
        }
        if (u.equals(s.device())) {
            return BootId.DEVICE;
        }
        if (u.equals(s.gateway())) {
            return BootId.GATEWAY;
        }
        return null;
    }

    /**
     * Wraps a call so that a connection failure reads as the fabric's EIO problem, not a 500. The detail
     * names the service by what it holds, since that is what the caller lost ("mm-service (RAM,
     * processes) did not answer ..."); {@code ProblemAdvice} adds a Retry-After to this problem.
     */
    public ErrnoException unreachableService(URI uri, Exception e) {
        String at = uri.getScheme() + "://" + uri.getAuthority();
        String name = serviceAt(at);
        String who = name == null ? "service at " + at : name + " (" + holds(name) + ") at " + at;
        return new ErrnoException(Errno.EIO, SERVICE_UNAVAILABLE, HttpStatusCode.valueOf(503),
                who + " did not answer: " + why(e) + "; retry once it is back (./fabric up restarts it)");
    }

    /** The problem slug of a service that did not answer. */
    public static final String SERVICE_UNAVAILABLE = "service-unavailable";

    private static String holds(String service) {
        return switch (service) {
            case BootId.MM -> "RAM, processes";
            case BootId.IOMMU -> "the SMMU, bonds and PASIDs";
            case BootId.DEVICE -> "the devices and their DMA jobs";
            default -> "the public API, VFIO containers and workloads";
        };
    }

    /** Why, in the caller's terms: the JDK's exceptions often carry no message at all. */
    private static String why(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.http.HttpTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "no answer within the timeout";
            }
            if (t instanceof java.nio.channels.ClosedChannelException || t instanceof java.io.EOFException) {
                return "the connection was closed";
            }
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "no answer" : m;
    }

    static ErrnoException problemOf(URI uri, ClientHttpResponse resp) throws IOException {
        HttpStatusCode status = resp.getStatusCode();
        byte[] body;
        try (InputStream in = resp.getBody()) {
            body = in.readAllBytes();
        }
        try {
            JsonNode n = JSON.readTree(body);
            String type = n.path("type").asString("");
            String slug = type.substring(type.lastIndexOf('/') + 1);
            String errnoName = n.path("errno").asString("");
            Errno errno = errnoName.isEmpty() ? Errno.EIO : Errno.valueOf(errnoName);
            String detail = n.path("detail").asString("");
            return new ErrnoException(errno, slug.isEmpty() ? "downstream-error" : slug, status, detail);
        } catch (RuntimeException notProblem) {
            return new ErrnoException(Errno.EIO, "downstream-error", HttpStatusCode.valueOf(502),
                    uri.getPath() + " answered " + status.value() + " without a problem document");
        }
    }

    /** Unwraps RestClient's transport failure into the fabric's problem. */
    public static RuntimeException translate(RuntimeException e) {
        if (e instanceof ResourceAccessException rae && rae.getCause() instanceof ErrnoException ee) {
            return ee;
        }
        return e;
    }
}
