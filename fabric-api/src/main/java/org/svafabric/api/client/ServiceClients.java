package org.svafabric.api.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.DefaultUriBuilderFactory;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerBoots;
import org.svafabric.api.bus.MemoryBusApi;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.error.Problems;
import org.svafabric.api.iommu.IommuApi;
import org.svafabric.api.iommu.SmmuPortApi;
import org.svafabric.api.iommu.TransactionTerminated;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.api.wire.AtsLinkConverter;
import org.svafabric.api.wire.Headers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.json.JsonMapper;

/**
 * The typed clients of the fabric's service APIs ({@link MmApi}, {@link MemoryBusApi}, {@link IommuApi},
 * {@link SmmuPortApi}, {@link DeviceApi}, ...): HTTP service proxies of the fabric-api interfaces, each with the
 * service credential and this service's boot id ({@link BootId#HEADER}, {@link BootId#SERVICE_HEADER}) on every
 * request, every answer's boot id reported to {@link PeerBoots}, connect and read timeouts, a downstream
 * problem+json re-raised as the same {@link ErrnoException} (type, status, errno, detail, Retry-After) so the
 * gateway relays the kernel's answer unchanged, and every call run through the remote service's circuit breaker
 * ({@link ServiceGuard}).
 *
 * <p>Transport: one pooled, blocking HTTP/1.1 client (Apache HttpClient 5, keep-alive) shared by every proxy. A
 * call runs on the caller's thread from request to response: the JDK {@code HttpClient} used before handed each
 * call to its selector and worker threads and back, which cost 2-4x the CPU and about twice the latency of a
 * loopback call (docs/PERFORMANCE.md, "Control paths").
 */
public final class ServiceClients {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** How long the breaker's health probe waits for a service's {@code /actuator/health}. */
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);

    /** The problem slug of a service that did not answer. */
    public static final String SERVICE_UNAVAILABLE = ServiceGuard.SERVICE_UNAVAILABLE;

    private final FabricProperties props;
    /**
     * Connections per service: enough for every call that may be held at once (stalled transactions, waited DMA
     * jobs, the IOPF workers' faults), as the JDK client's unbounded connections were.
     */
    private static final int CONNECTIONS_PER_SERVICE = 512;
    /** A pooled connection idle this long is checked before reuse (a peer that restarted closed it). */
    private static final TimeValue VALIDATE_AFTER_IDLE = TimeValue.ofMilliseconds(500);

    private final CloseableHttpClient http;
    private final ServiceGuard guard;
    /** This service's boot, sent on every call; null: calls carry none (tools, tests). */
    private final BootId self;
    /** Where the peers' boot ids seen in answers go; null: not watched. */
    private final PeerBoots boots;
    /** The headers of every call: this service's boot id and name, the service credential. */
    private final Map<String, String> callHeaders;
    /** Clients are immutable and thread-safe: one per service, interface and read timeout, built once. */
    private final Map<String, Object> clients = new ConcurrentHashMap<>();
    /** device-service's shards (one when {@code fabric.services.device-shards} is empty), and where each device is. */
    private final DeviceShardClients deviceShards;

    public ServiceClients(FabricProperties props) {
        this(props, null, null);
    }

    /** Calls carry {@code self}'s boot id and name; answers' boot ids go to {@code boots} (see {@link PeerBoots}). */
    public ServiceClients(FabricProperties props, BootId self, PeerBoots boots) {
        this(props, self, boots, new ServiceGuard());
    }

    public ServiceClients(FabricProperties props, ServiceGuard guard) {
        this(props, null, null, guard);
    }

    public ServiceClients(FabricProperties props, BootId self, PeerBoots boots, ServiceGuard guard) {
        this.props = props;
        this.self = self;
        this.boots = boots;
        this.callHeaders = callHeaders(self, props);
        this.guard = guard;
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(CONNECTIONS_PER_SERVICE * 4)
                        .setMaxConnPerRoute(CONNECTIONS_PER_SERVICE)
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(props.timeouts().connect()))
                                .setValidateAfterInactivity(VALIDATE_AFTER_IDLE)
                                .build())
                        .build())
                // No silent resend: a call is made once, as with the JDK client; the guard words a failure.
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .build();
        guard.baseUrls(s -> s.baseUrl(props));
        guard.healthProbe(this::answersHealth);
        this.deviceShards = new DeviceShardClients(this, props.services().deviceUrls().size());
        if (boots != null) {
            // A shard's reboot took away only what that shard held: its devices are learned again from it alone.
            boots.addListener(deviceShards::peerRebooted);
        }
    }

    /** device-service's shards: the client of the shard that serves a device, every shard for a fan-out. */
    public DeviceShardClients deviceShards() {
        return deviceShards;
    }

    public ServiceGuard guard() {
        return guard;
    }

    public MmApi mm() {
        return of(RemoteService.MM, MmApi.class);
    }

    public MemoryBusApi memoryBus() {
        return of(RemoteService.MM, MemoryBusApi.class);
    }

    public IommuApi iommu() {
        return of(RemoteService.IOMMU, IommuApi.class);
    }

    /**
     * device-service's API; with several shards, each call goes to the shard that serves its device, and the device
     * list, job listing and audit gather every shard (see {@link DeviceShardClients#routed}).
     */
    public DeviceApi device() {
        return of(RemoteService.DEVICE, DeviceApi.class);
    }

    /** {@code api} of {@code service} with the configured read timeout. */
    public <T> T of(RemoteService service, Class<T> api) {
        return of(service, api, props.timeouts().read());
    }

    /**
     * The same for calls that legitimately take long (a DMA job the caller waits for, a stalled transaction).
     * device-service with several shards: {@link DeviceApi} and its parts are routed by device; any other interface
     * (events, faults, health) is shard 0's, and a caller that wants every shard asks {@link #deviceShards()}.
     */
    public <T> T of(RemoteService service, Class<T> api, Duration readTimeout) {
        if (service == RemoteService.DEVICE && deviceShards.count() > 1 && api.isAssignableFrom(DeviceApi.class)) {
            return api.cast(deviceShards.routed(readTimeout));
        }
        return of(service == RemoteService.DEVICE ? deviceShards.remote(0) : Remote.of(service), api, readTimeout);
    }

    /** {@code api} of one instance (a device-service shard) with the configured read timeout. */
    public <T> T of(Remote remote, Class<T> api) {
        return of(remote, api, props.timeouts().read());
    }

    /** {@code api} of one instance, under that instance's own breaker. */
    public <T> T of(Remote remote, Class<T> api, Duration readTimeout) {
        Object c = clients.computeIfAbsent(remote.peer() + " " + api.getName() + " " + readTimeout,
                k -> guard.guard(remote, api, proxy(remote.baseUrl(props), api, readTimeout)));
        return api.cast(c);
    }

    /** The configured read timeout of service-to-service calls. */
    public Duration readTimeout() {
        return props.timeouts().read();
    }

    /** Reads a successful answer of {@link #exchange}; the connection goes back to the pool afterwards. */
    @FunctionalInterface
    public interface Answer<T> {
        T read(ClassicHttpResponse response) throws IOException;
    }

    /**
     * One call to {@code service} straight on the pooled client, below RestClient, for a data path that moves its
     * bytes itself (the memory bus): {@code entity} is the request body as the caller streams it, {@code answer}
     * reads a 2xx answer. Everything else is what every proxy call gets: the credential and boot-id headers, the
     * answer's boot id reported to {@link PeerBoots}, an error answer re-raised as its {@link ErrnoException}, a
     * transport failure as the {@link ResourceAccessException} {@link ServiceGuard} counts, the service's breaker.
     */
    public <T> T exchange(RemoteService service, String method, String path, HttpEntity entity, Duration readTimeout,
                          Answer<T> answer) {
        Remote remote = Remote.of(service);
        String baseUrl = remote.baseUrl(props);
        String peer = serviceAt(baseUrl);
        RequestConfig config = RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout)).build();
        return guard.call(remote, () -> {
            HttpUriRequestBase req = new HttpUriRequestBase(method, URI.create(baseUrl + path));
            req.setConfig(config);
            callHeaders.forEach(req::addHeader);
            req.setEntity(entity);
            try {
                return http.execute(req, resp -> {
                    if (boots != null && peer != null) {
                        boots.observe(peer, firstHeader(resp, BootId.HEADER));
                    }
                    if (resp.getCode() >= 400) {
                        byte[] body = resp.getEntity() == null ? new byte[0] : EntityUtils.toByteArray(resp.getEntity());
                        throw problemOf(path, resp.getCode(), name -> firstHeader(resp, name), body);
                    }
                    return answer.read(resp);
                });
            } catch (IOException e) {
                throw new ResourceAccessException("I/O error on " + method + " " + baseUrl + path + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * One GET to {@code remote} outside its breaker, with the credential and boot-id headers, its answer's boot id
     * reported: a boot announcement ({@code BootAnnouncement}). It must not count against a peer that is not up yet:
     * one refused call and one success are 50 % of the breaker's window, which opened it under the first job.
     *
     * @return the answer's status, or a description of why there was none
     */
    public String tell(Remote remote, String path, Duration readTimeout) {
        return getOutsideBreaker(remote, path, readTimeout, true);
    }

    /**
     * A GET straight on the pooled client, under no breaker: the answer's status, or why there was none. As a peer
     * ({@code asPeer}) it carries the credential and boot-id headers and reports the answer's boot id.
     */
    private String getOutsideBreaker(Remote remote, String path, Duration readTimeout, boolean asPeer) {
        String baseUrl = remote.baseUrl(props);
        String peer = asPeer ? serviceAt(baseUrl) : null;
        HttpGet req = new HttpGet(URI.create(baseUrl + path));
        req.setConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout)).build());
        if (asPeer) {
            callHeaders.forEach(req::addHeader);
        }
        try {
            return http.execute(req, resp -> {
                if (boots != null && peer != null) {
                    boots.observe(peer, firstHeader(resp, BootId.HEADER));
                }
                EntityUtils.consume(resp.getEntity());
                return String.valueOf(resp.getCode());
            });
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static String firstHeader(ClassicHttpResponse resp, String name) {
        Header h = resp.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    private <T> T proxy(String baseUrl, Class<T> api, Duration readTimeout) {
        RestClient rest = restClient(baseUrl, readTimeout);
        return HttpServiceProxyFactory.builderFor(RestClientAdapter.create(rest)).build().createClient(api);
    }

    private RestClient restClient(String baseUrl, Duration readTimeout) {
        String peer = serviceAt(baseUrl);
        HttpComponentsClientHttpRequestFactory rf = new HttpComponentsClientHttpRequestFactory(http);
        rf.setReadTimeout(readTimeout);
        // The interfaces' templates are plain ASCII paths: only the variables need encoding (strictly, as by default).
        // Encoding the template as well was a fifth of building each call's URI (docs/PERFORMANCE.md, issue 10).
        DefaultUriBuilderFactory uris = new DefaultUriBuilderFactory(baseUrl);
        uris.setEncodingMode(DefaultUriBuilderFactory.EncodingMode.VALUES_ONLY);
        RestClient.Builder b = RestClient.builder()
                .uriBuilderFactory(uris)
                .requestFactory(rf)
                // After the defaults: only a call that names the ATS link's binary type uses it (SmmuPortApi.translate).
                .configureMessageConverters(c -> c.registerDefaults()
                        .configureMessageConvertersList(list -> list.add(new AtsLinkConverter())))
                .defaultStatusHandler(HttpStatusCode::isError, (req, resp) -> {
                    throw problemOf(req.getURI(), resp);
                })
                .requestInterceptor((req, body, exec) -> {
                    // A transport failure stays an IOException (RestClient's ResourceAccessException), which
                    // ServiceGuard counts against the service and words as its 503.
                    ClientHttpResponse resp = exec.execute(req, body);
                    if (boots != null && peer != null) {
                        boots.observe(peer, resp.getHeaders().getFirst(BootId.HEADER));
                    }
                    return resp;
                });
        callHeaders.forEach(b::defaultHeader);
        return b.build();
    }

    private static Map<String, String> callHeaders(BootId self, FabricProperties props) {
        Map<String, String> h = new LinkedHashMap<>();
        if (self != null) {
            h.put(BootId.HEADER, self.id());
            h.put(BootId.SERVICE_HEADER, self.service());
        }
        if (props.serviceToken() != null && !props.serviceToken().isBlank()) {
            h.put(Headers.SERVICE_TOKEN, props.serviceToken());
        }
        return Map.copyOf(h);
    }

    /**
     * Whether {@code service} answers its health endpoint now: lets a breaker opened while it was down close as
     * soon as it is back (after {@code ./fabric up} reports it healthy, the next call goes through).
     */
    private boolean answersHealth(Remote service) {
        return "200".equals(getOutsideBreaker(service, "/actuator/health", HEALTH_TIMEOUT, false));
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
        List<String> shards = s.deviceUrls();
        for (int k = 0; k < shards.size(); k++) {
            if (u.equals(shards.get(k))) {
                return BootId.deviceShard(k, shards.size());
            }
        }
        if (u.equals(s.device())) {
            return BootId.DEVICE;
        }
        if (u.equals(s.gateway())) {
            return BootId.GATEWAY;
        }
        return null;
    }

    /** The members of a problem document a client reads back; others are ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ProblemDocument(String type, String detail, String errno, String event, String addr, Integer stalls) {
    }

    static ErrnoException problemOf(URI uri, ClientHttpResponse resp) throws IOException {
        byte[] body;
        try (InputStream in = resp.getBody()) {
            body = in.readAllBytes();
        }
        return problemOf(uri.getPath(), resp.getStatusCode().value(), resp.getHeaders()::getFirst, body);
    }

    /** A downstream error answer ({@code status}, its headers by name, its body) as the ErrnoException it carries. */
    static ErrnoException problemOf(String path, int statusCode, Function<String, String> header, byte[] body) {
        HttpStatusCode status = HttpStatusCode.valueOf(statusCode);
        ProblemDocument p;
        try {
            p = JSON.readValue(body, ProblemDocument.class);
        } catch (RuntimeException notProblem) {
            p = null;
        }
        if (p == null || p.type() == null) {
            return new ErrnoException(Errno.EIO, "downstream-error", HttpStatusCode.valueOf(502),
                    path + " answered " + status.value() + " without a problem document");
        }
        String slug = Problems.slugOf(p.type());
        String detail = p.detail() == null ? "" : p.detail();
        // An EFAULT naming an SMMU event is the SMMU terminating a transaction (the device's outcome, not an error).
        if (Errno.EFAULT.name().equals(p.errno()) && p.event() != null) {
            long addr = p.addr() == null ? 0 : Addr.parseHex(p.addr());
            int stalls = p.stalls() != null ? p.stalls() : intHeader(header.apply(Headers.SMMU_STALLS));
            return new TransactionTerminated(p.event(), addr, stalls, detail,
                    header.apply(Headers.SMMU_WORK), header.apply(Headers.SMMU_FAULT_KINDS));
        }
        Errno errno = Errno.EIO;
        for (Errno e : Errno.values()) {
            if (e.name().equals(p.errno())) {
                errno = e;
            }
        }
        return new ErrnoException(errno, slug.isEmpty() ? "downstream-error" : slug, status, detail,
                retryAfter(header.apply(Headers.RETRY_AFTER)));
    }

    private static int intHeader(String header) {
        Long v = retryAfter(header);
        return v == null ? 0 : v.intValue();
    }

    private static Long retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
