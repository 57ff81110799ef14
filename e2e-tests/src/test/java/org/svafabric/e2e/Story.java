package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/** Steps that scenario tests share, each one request through the gateway with its expected answer. */
final class Story {
    static final String SVA_DEV = "0000:01:00.0";
    static final String SVA_DEV2 = "0000:02:00.0";
    static final String STALL_DEV = "smmute0";
    static final String CLASSIC_DEV = "0000:03:00.0";
    static final int PAGE = 4096;

    private final Api api;

    Story(Api api) {
        this.api = api;
    }

    Api api() {
        return api;
    }

    long process(String name) {
        Api.Response r = api.post("/processes", Map.of("name", name));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("pid").asLong();
    }

    long mmap(long pid, long length, String prot) {
        Api.Response r = api.post("/processes/" + pid + "/mmap", Map.of("length", length, "prot", prot));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return Long.decode(r.json().path("addr").asString());
    }

    void write(long pid, long addr, byte[] data) {
        Api.Response r = api.putBytes("/processes/" + pid + "/memory?addr=0x" + Long.toHexString(addr), data);
        assertThat(r.status()).as(r.toString()).isEqualTo(204);
    }

    byte[] read(long pid, long addr, int length) {
        Api.Response r = api.get("/processes/" + pid + "/memory?addr=0x" + Long.toHexString(addr) + "&length=" + length);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.body();
    }

    /** iommu_sva_device_init with IOPF; EEXIST (already initialised by another test) is fine. */
    void svaInit(String dev) {
        Api.Response r = api.post("/devices/" + dev + "/sva", Map.of("features", List.of("IOPF"), "maxPasid", 0));
        assertThat(r.status()).as(r.toString()).isIn(200, 409);
        if (r.status() == 409) {
            assertThat(r.json().path("errno").asString()).isEqualTo("EEXIST");
        }
    }

    int bind(String dev, long pid) {
        Api.Response r = api.post("/devices/" + dev + "/sva/bonds", Map.of("pid", pid));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().path("pasid").asInt();
    }

    Api.Response job(String dev, Map<String, Object> body) {
        return api.post("/devices/" + dev + "/jobs?wait=true", body);
    }

    JsonNode completed(String dev, Map<String, Object> body) {
        Api.Response r = job(dev, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().path("status").asString()).as(r.toString()).isEqualTo("COMPLETED");
        return r.json();
    }

    /** Submits without waiting, then polls GET /jobs/{id} until the job ends (a large job may take minutes under load). */
    JsonNode submitAndAwait(String dev, Map<String, Object> body, Duration deadline) throws InterruptedException {
        Api.Response r = api.post("/devices/" + dev + "/jobs", body);
        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        String id = r.json().path("jobId").asString();
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            JsonNode job = api.get("/jobs/" + id).json();
            String status = job.path("status").asString();
            if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("job " + id + " did not end within " + deadline);
    }

    JsonNode finished(String dev, Map<String, Object> body) {
        Api.Response r = job(dev, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
