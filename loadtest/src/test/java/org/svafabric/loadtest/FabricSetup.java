package org.svafabric.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Once before a simulation: each device gets SVA (iommu_sva_device_init with IOPF; EEXIST when
 * someone already did is fine) and the stop-dma mm_exit handler, so that a process exiting under
 * load stops its DMA instead of leaking its PASID. Plain HTTP, outside the measured requests.
 */
final class FabricSetup {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private FabricSetup() {
    }

    static void prepareDevices(FabricTarget t) {
        for (String dev : t.devices()) {
            HttpResponse<String> init = send(t, "POST", "/devices/" + dev + "/sva", "{\"features\":[\"IOPF\"],\"maxPasid\":0}");
            if (init.statusCode() != 200 && !(init.statusCode() == 409 && init.body().contains("EEXIST"))) {
                throw new IllegalStateException("iommu_sva_device_init(" + dev + ") answered " + init.statusCode() + " " + init.body());
            }
            HttpResponse<String> handler = send(t, "PUT", "/devices/" + dev + "/sva/mm-exit-handler", "{\"policy\":\"stop-dma\"}");
            if (handler.statusCode() != 204) {
                throw new IllegalStateException("mm-exit handler of " + dev + " answered " + handler.statusCode() + " " + handler.body());
            }
        }
    }

    private static HttpResponse<String> send(FabricTarget t, String method, String path, String json) {
        HttpRequest r = HttpRequest.newBuilder(URI.create(t.baseUrl() + FabricTarget.API + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + t.token()).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        try {
            return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("the fabric at " + t.baseUrl() + " does not answer (is it up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
