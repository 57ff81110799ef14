package org.svafabric.mm.notifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.svafabric.api.web.ServiceCredentialFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Notifier calls as JSON POSTs carrying the fabric's service credential; any 2xx is the
 * acknowledgement. Asynchronous, so one slow subscriber does not delay the calls to the others.
 */
public final class HttpNotifierTransport implements NotifierTransport {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String serviceToken;

    public HttpNotifierTransport(String serviceToken, Duration connectTimeout) {
        this.serviceToken = serviceToken;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public CompletableFuture<Void> post(String url, Object body, Duration timeout) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        if (serviceToken != null && !serviceToken.isBlank()) {
            req.header(ServiceCredentialFilter.HEADER, serviceToken);
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.discarding()).thenApply(r -> {
            if (r.statusCode() / 100 != 2) {
                throw new NotifierRefusedException(url + " answered " + r.statusCode());
            }
            return null;
        });
    }
}
