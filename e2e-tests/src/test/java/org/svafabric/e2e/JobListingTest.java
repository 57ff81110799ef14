package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.JsonNode;

/**
 * GET /jobs through the gateway: the caller's jobs only (admin: all), newest last, filtered by
 * device and status, paged with X-Total-Count and Link; a 202 says where the job's record is, and
 * the record carries the job's length and the bytes done.
 */
@ExtendWith(FabricExtension.class)
@Timeout(300)
class JobListingTest {
    private static final int LEN = 64 << 10;
    private final Story s;
    private final Api other;
    private final Api admin;

    JobListingTest(Fabric fabric) {
        Api user = new Api(fabric.gateway(), Fabric.USER_TOKEN);
        this.s = new Story(user);
        this.other = user.as(Fabric.OTHER_USER_TOKEN);
        this.admin = user.as(Fabric.ADMIN_TOKEN);
    }

    @Test
    void theCallersJobsAreListedNewestLastByDeviceAndStatusAndEachSubmissionSaysWhereItsRecordIs() throws Exception {
        long pid = s.process("listing");
        long src = s.mmap(pid, LEN, "rw");
        long dst = s.mmap(pid, LEN, "rw");
        byte[] pattern = new byte[LEN];
        new Random(9).nextBytes(pattern);
        s.write(pid, src, pattern);
        s.svaInit(Story.SVA_DEV2);
        int pasid = s.bind(Story.SVA_DEV2, pid);

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api.Response r = s.api().post("/devices/" + Story.SVA_DEV2 + "/jobs",
                    Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", LEN));
            assertThat(r.status()).as(r.toString()).isEqualTo(202);
            String id = r.json().path("jobId").asString();
            assertThat(r.header("Location")).isEqualTo("/api/v1/jobs/" + id);
            ids.add(id);
            awaitFinal(id);
        }
        // A job that faults: an address nobody mapped.
        Api.Response faulted = s.job(Story.SVA_DEV2, Map.of("op", "memset", "pasid", pasid, "dst", "0x1000", "length", 4096, "value", 1));
        assertThat(faulted.json().path("status").asString()).as(faulted.toString()).isEqualTo("FAULTED");
        String faultedId = faulted.json().path("jobId").asString();
        assertThat(faulted.header("Location")).as("a 200 with the record needs no Location").isNull();

        JsonNode record = s.api().get("/jobs/" + ids.get(0)).json();
        assertThat(record.path("length").asLong()).isEqualTo(LEN);
        assertThat(record.path("bytes").asLong()).isEqualTo(LEN);
        assertThat(s.read(pid, dst, LEN)).isEqualTo(pattern);

        Api.Response all = s.api().get("/jobs?device=" + Story.SVA_DEV2 + "&size=1000");
        assertThat(all.status()).isEqualTo(200);
        List<String> listed = ids(all.json());
        assertThat(listed).as("newest last").containsSubsequence(ids.get(0), ids.get(1), ids.get(2), faultedId);
        assertThat(all.header("X-Total-Count")).isEqualTo(String.valueOf(listed.size()));
        assertThat(all.json()).allSatisfy(j -> assertThat(j.path("device").asString()).isEqualTo(Story.SVA_DEV2));

        List<String> completed = ids(s.api().get("/jobs?status=COMPLETED&size=1000").json());
        assertThat(completed).containsAll(ids).doesNotContain(faultedId);
        assertThat(ids(s.api().get("/jobs?status=faulted&size=1000").json())).contains(faultedId).doesNotContainAnyElementsOf(ids);

        Api.Response newest = s.api().get("/jobs?device=" + Story.SVA_DEV2 + "&size=1");
        assertThat(ids(newest.json())).as("without page: the newest").containsExactly(faultedId);
        Api.Response first = s.api().get("/jobs?device=" + Story.SVA_DEV2 + "&size=1&page=0");
        assertThat(first.header("Link")).contains("page=1", "size=1", "rel=\"next\"");

        assertThat(ids(other.get("/jobs?size=1000").json())).as("another uid sees none of them").doesNotContainAnyElementsOf(listed);
        assertThat(other.get("/jobs/" + ids.get(0)).status()).isEqualTo(404);
        assertThat(ids(admin.get("/jobs?device=" + Story.SVA_DEV2 + "&size=1000").json())).as("admin sees all").containsAll(listed);
    }

    @ParameterizedTest(name = "GET /jobs{0} -> {1} {2}")
    @CsvSource({
            "?status=SHINY, 400, EINVAL",
            "?device=0000:99:00.0, 400, EINVAL",
            "?size=0, 400, EINVAL",
            "?size=1001, 400, EINVAL",
            "?page=-1, 400, EINVAL",
            "?page=x, 400, EINVAL"})
    void badFiltersAreAProblemWithAnErrno(String query, int status, String errno) {
        Api.Response r = s.api().get("/jobs" + query);
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("errno").asString()).isEqualTo(errno);
        assertThat(r.json().path("detail").asString()).isNotBlank();
    }

    private void awaitFinal(String id) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < end) {
            String status = s.api().get("/jobs/" + id).json().path("status").asString();
            if (status.equals("COMPLETED")) {
                return;
            }
            assertThat(status).as("job " + id).isIn("QUEUED", "RUNNING");
            Thread.sleep(50);
        }
        throw new AssertionError("job " + id + " did not complete in time");
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(j -> ids.add(j.path("jobId").asString()));
        return ids;
    }
}
