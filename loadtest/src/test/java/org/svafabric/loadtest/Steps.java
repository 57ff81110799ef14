package org.svafabric.loadtest;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyBytes;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/**
 * The requests the scenarios are made of, each one call of the public API with the checks that
 * say it did what it must: the expected status (so any 5xx or problem fails it), DMA jobs
 * COMPLETED with every byte done, and what a device copied read back by the CPU and compared
 * byte for byte with what was written.
 *
 * <p>Session attributes: {@code device}, {@code length} (bytes of one buffer), {@code pid},
 * {@code base} (one mapping of two buffers), {@code src}, {@code dst}, {@code pasid},
 * {@code pattern} (the bytes last written to the source).
 */
final class Steps {
    static final String API = FabricTarget.API;
    static final long PAGE = 4096;

    private Steps() {
    }

    static HttpProtocolBuilder protocol(FabricTarget t) {
        return http.baseUrl(t.baseUrl()).authorizationHeader("Bearer " + t.token()).userAgentHeader("sva-fabric-loadtest");
    }

    /** A process of the token's uid; the user's device is chosen round-robin by its user id. */
    static ChainBuilder newProcess(FabricTarget t, String name, long length) {
        return exec(s -> s.set("device", t.deviceOf(s.userId())).set("length", length))
                .exec(http("create process").post(API + "/processes")
                        .body(StringBody(s -> "{\"name\":\"" + name + "-" + s.userId() + "\"}")).asJson()
                        .check(status().is(201), jmesPath("pid").ofLong().saveAs("pid")));
    }

    /**
     * One anonymous mapping holding the source and, right after it, the destination buffer.
     * {@code populate}: every page resident before the first DMA (warm); otherwise none is.
     */
    static ChainBuilder mmapBuffers(boolean populate) {
        return exec(http(populate ? "mmap (populate)" : "mmap").post(API + "/processes/#{pid}/mmap")
                .body(StringBody(s -> "{\"length\":" + 2 * s.getLong("length") + ",\"prot\":\"rw\",\"populate\":" + populate + "}"))
                .asJson().check(status().is(201), jmesPath("addr").saveAs("base")))
                .exec(s -> {
                    long base = Long.decode(s.getString("base"));
                    return s.set("src", hex(base)).set("dst", hex(base + s.getLong("length")));
                });
    }

    /** A destination buffer nobody touched yet: the first DMA to it faults every page. */
    static ChainBuilder mmapColdDestination() {
        return exec(http("mmap cold dst").post(API + "/processes/#{pid}/mmap")
                .body(StringBody("{\"length\":#{length},\"prot\":\"rw\"}")).asJson()
                .check(status().is(201), jmesPath("addr").saveAs("dst")));
    }

    static ChainBuilder munmapDestination() {
        return exec(http("munmap dst").post(API + "/processes/#{pid}/munmap")
                .body(StringBody("{\"addr\":\"#{dst}\",\"length\":#{length}}")).asJson().check(status().is(204)));
    }

    /** New random bytes, written to the source by the CPU (faulting its pages in if they are not). */
    static ChainBuilder writeFreshSource() {
        return exec(s -> {
            byte[] p = new byte[(int) s.getLong("length")];
            ThreadLocalRandom.current().nextBytes(p);
            return s.set("pattern", p);
        }).exec(http("CPU write src").put(API + "/processes/#{pid}/memory?addr=#{src}")
                .header("Content-Type", "application/octet-stream").body(ByteArrayBody("#{pattern}"))
                .check(status().is(204)));
    }

    static ChainBuilder bind() {
        return exec(http("bind").post(API + "/devices/#{device}/sva/bonds").body(StringBody("{\"pid\":#{pid}}")).asJson()
                .check(status().is(201), jmesPath("pasid").ofInt().saveAs("pasid")));
    }

    /** iommu_sva_find: the PASID leads back to the process it was bound with. */
    static ChainBuilder find() {
        return exec(http("iommu_sva_find").get(API + "/sva/pasids/#{pasid}").asJson()
                .check(status().is(200), jmesPath("pid").ofLong().is(s -> s.getLong("pid"))));
    }

    static ChainBuilder unbind() {
        return exec(http("unbind").delete(API + "/devices/#{device}/sva/bonds/#{pasid}").check(status().is(204)));
    }

    static ChainBuilder exitProcess() {
        return exec(http("exit process").delete(API + "/processes/#{pid}").check(status().is(202)));
    }

    /** Swaps both buffers out: the next DMA faults every page back in (swap-in through PRI or stall). */
    static ChainBuilder reclaimBuffers() {
        return exec(http("reclaim").post(API + "/processes/#{pid}/reclaim")
                .body(StringBody(s -> "{\"addr\":\"" + s.getString("src") + "\",\"length\":" + 2 * s.getLong("length") + "}")).asJson()
                .check(status().is(200), jmesPath("reclaimed").ofInt().gt(0)));
    }

    /** memcpy src -> dst, held until it ends: COMPLETED with every byte done, else the request fails. */
    static ChainBuilder memcpy(String name) {
        return exec(http(name).post(API + "/devices/#{device}/jobs?wait=true").body(StringBody(MEMCPY)).asJson()
                .check(status().is(200), jmesPath("status").is("COMPLETED"),
                        jmesPath("bytes").ofLong().is(s -> s.getLong("length")),
                        jmesPath("faults").ofMap().saveAs("faults")));
    }

    /**
     * As {@link #memcpy}, and the job had to fault: a cold destination goes through PRI page
     * requests (PCIe) or stalls (platform device) for every page it writes.
     */
    static ChainBuilder memcpyFaulting(String name) {
        return exec(http(name).post(API + "/devices/#{device}/jobs?wait=true").body(StringBody(MEMCPY)).asJson()
                .check(status().is(200), jmesPath("status").is("COMPLETED"),
                        jmesPath("bytes").ofLong().is(s -> s.getLong("length")),
                        jmesPath("faults").ofMap().transform(Steps::faultedPages).gte(s -> s.getLong("length") / PAGE)
                                .name("every destination page faulted")));
    }

    /** The CPU reads the destination back: it must hold exactly the bytes last written to the source. */
    static ChainBuilder verifyDestination() {
        return exec(http("CPU read dst").get(API + "/processes/#{pid}/memory?addr=#{dst}&length=#{length}")
                .header("Accept", "application/octet-stream")
                .check(status().is(200), bodyBytes().transformWithSession((b, s) -> Arrays.equals(b, s.get("pattern"))).is(true)
                        .name("destination equals source")));
    }

    /** The device compares source and destination itself (the `compare` job): "equal". */
    static ChainBuilder compareOnDevice() {
        return exec(http("compare job").post(API + "/devices/#{device}/jobs?wait=true")
                .body(StringBody("{\"op\":\"compare\",\"pasid\":#{pasid},\"src\":\"#{src}\",\"dst\":\"#{dst}\",\"length\":#{length}}"))
                .asJson().check(status().is(200), jmesPath("status").is("COMPLETED"), jmesPath("result").is("equal")));
    }

    /** Submits memcpy without waiting: 202 with the job's Location. */
    static ChainBuilder submitMemcpy(String name) {
        return exec(http(name).post(API + "/devices/#{device}/jobs").body(StringBody(MEMCPY)).asJson()
                .check(status().is(202), header("Location").saveAs("jobUrl"), jmesPath("jobId").saveAs("jobId")));
    }

    private static final String MEMCPY = "{\"op\":\"memcpy\",\"pasid\":#{pasid},\"src\":\"#{src}\",\"dst\":\"#{dst}\",\"length\":#{length}}";

    private static long faultedPages(Map<String, Object> faults) {
        return number(faults.get("pageRequests")) + number(faults.get("stalls"));
    }

    private static long number(Object o) {
        return o instanceof Number n ? n.longValue() : 0;
    }

    static boolean jobActive(Session s) {
        String st = s.contains("jobStatus") ? s.getString("jobStatus") : "QUEUED";
        return "QUEUED".equals(st) || "RUNNING".equals(st);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
