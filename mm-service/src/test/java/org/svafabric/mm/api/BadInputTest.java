package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.svafabric.api.testing.TestHttp.Response;

import tools.jackson.databind.JsonNode;

/**
 * Wrong bodies, types, sizes and addresses on every mm-service endpoint: each is a 4xx
 * problem+json with the kernel's errno, never a 500, and none changes any state.
 */
class BadInputTest extends HttpTestBase {
    private static final String JSON_TYPE = "application/json";
    private static final String BIN = "application/octet-stream";

    record Case(String name, String method, String path, String contentType, byte[] body, int status, String errno) {
        static Case json(String name, String method, String path, String body, int status, String errno) {
            return new Case(name, method, path, JSON_TYPE, body == null ? null : body.getBytes(), status, errno);
        }
    }

    private static byte[] header(long pa, int length) {
        return ByteBuffer.allocate(12).putLong(pa).putInt(length).array();
    }

    @Test
    void everyBadRequestIsAProblemAndChangesNothing() {
        long pid = createProcess();
        long va = mmap(pid, 65536, "rw");
        String addr = "0x" + Long.toHexString(va);
        putBytes("/mm/v1/processes/" + pid + "/memory?addr=" + addr, "keep me".getBytes());
        String p = "/mm/v1/processes/" + pid;
        String none = "/mm/v1/processes/987654321";
        long freePa = 0x4000_0000L + (60L << 20); // high in RAM: never allocated in this test context

        List<Case> cases = new ArrayList<>(List.of(
                Case.json("create: malformed JSON", "POST", "/mm/v1/processes", "{\"name\":", 400, "EINVAL"),
                Case.json("create: not an object", "POST", "/mm/v1/processes", "[1,2]", 400, "EINVAL"),
                Case.json("create: missing name", "POST", "/mm/v1/processes", "{\"uid\":1}", 400, "EINVAL"),
                Case.json("create: blank name", "POST", "/mm/v1/processes", "{\"name\":\"  \",\"uid\":1}", 400, "EINVAL"),
                Case.json("create: name not a string", "POST", "/mm/v1/processes", "{\"name\":7,\"uid\":1}", 400, "EINVAL"),
                Case.json("create: name too long", "POST", "/mm/v1/processes", "{\"name\":\"" + "n".repeat(65) + "\",\"uid\":1}", 400, "EINVAL"),
                Case.json("create: missing uid", "POST", "/mm/v1/processes", "{\"name\":\"x\"}", 400, "EINVAL"),
                Case.json("create: negative uid", "POST", "/mm/v1/processes", "{\"name\":\"x\",\"uid\":-1}", 400, "EINVAL"),
                Case.json("create: uid as text", "POST", "/mm/v1/processes", "{\"name\":\"x\",\"uid\":\"root\"}", 400, "EINVAL"),
                Case.json("create: fractional uid", "POST", "/mm/v1/processes", "{\"name\":\"x\",\"uid\":1.5}", 400, "EINVAL"),
                new Case("create: not JSON", "POST", "/mm/v1/processes", "text/plain", "x".getBytes(), 415, "EINVAL"),
                Case.json("list: negative page", "GET", "/mm/v1/processes?page=-1", null, 400, "EINVAL"),
                Case.json("list: size zero", "GET", "/mm/v1/processes?size=0", null, 400, "EINVAL"),
                Case.json("list: size as text", "GET", "/mm/v1/processes?size=many", null, 400, "EINVAL"),
                Case.json("list: negative uid", "GET", "/mm/v1/processes?uid=-3", null, 400, "EINVAL"),
                Case.json("get: pid not a number", "GET", "/mm/v1/processes/abc", null, 400, "EINVAL"),
                Case.json("get: unknown pid", "GET", none, null, 404, "ESRCH"),
                Case.json("exit: unknown pid", "DELETE", none, null, 404, "ESRCH"),
                Case.json("mmap: missing length", "POST", p + "/mmap", "{\"prot\":\"rw\"}", 400, "EINVAL"),
                Case.json("mmap: zero length", "POST", p + "/mmap", "{\"length\":0}", 400, "EINVAL"),
                Case.json("mmap: negative length", "POST", p + "/mmap", "{\"length\":-4096}", 400, "EINVAL"),
                Case.json("mmap: length as text", "POST", p + "/mmap", "{\"length\":\"big\"}", 400, "EINVAL"),
                Case.json("mmap: fractional length", "POST", p + "/mmap", "{\"length\":4096.5}", 400, "EINVAL"),
                Case.json("mmap: length beyond a long", "POST", p + "/mmap", "{\"length\":99999999999999999999999}", 400, "EINVAL"),
                Case.json("mmap: larger than the address space", "POST", p + "/mmap", "{\"length\":1152921504606846976}", 409, "ENOMEM"),
                Case.json("mmap: bad prot", "POST", p + "/mmap", "{\"length\":4096,\"prot\":\"rwq\"}", 400, "EINVAL"),
                Case.json("mmap: repeated prot", "POST", p + "/mmap", "{\"length\":4096,\"prot\":\"rr\"}", 400, "EINVAL"),
                Case.json("mmap: prot not a string", "POST", p + "/mmap", "{\"length\":4096,\"prot\":[\"r\"]}", 400, "EINVAL"),
                Case.json("mmap: populate as text", "POST", p + "/mmap", "{\"length\":4096,\"populate\":\"yes\"}", 400, "EINVAL"),
                Case.json("mmap: hint not hex", "POST", p + "/mmap", "{\"length\":4096,\"addr\":\"0xzz\"}", 400, "EINVAL"),
                Case.json("mmap: negative hint", "POST", p + "/mmap", "{\"length\":4096,\"addr\":-5}", 400, "EINVAL"),
                Case.json("mmap: unknown pid", "POST", none + "/mmap", "{\"length\":4096}", 404, "ESRCH"),
                Case.json("munmap: unaligned", "POST", p + "/munmap", "{\"addr\":" + (va + 1) + ",\"length\":4096}", 400, "EINVAL"),
                Case.json("munmap: zero length", "POST", p + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":0}", 400, "EINVAL"),
                Case.json("munmap: missing length", "POST", p + "/munmap", "{\"addr\":\"" + addr + "\"}", 400, "EINVAL"),
                Case.json("munmap: missing addr", "POST", p + "/munmap", "{\"length\":4096}", 400, "EINVAL"),
                Case.json("munmap: address not hex", "POST", p + "/munmap", "{\"addr\":\"0xZZ\",\"length\":4096}", 400, "EINVAL"),
                Case.json("munmap: address as float", "POST", p + "/munmap", "{\"addr\":4096.0,\"length\":4096}", 400, "EINVAL"),
                Case.json("munmap: beyond the user space", "POST", p + "/munmap", "{\"addr\":\"0xffff800000000000\",\"length\":4096}", 400, "EINVAL"),
                Case.json("mprotect: bad prot", "POST", p + "/mprotect", "{\"addr\":\"" + addr + "\",\"length\":4096,\"prot\":\"k\"}", 400, "EINVAL"),
                Case.json("mprotect: missing prot", "POST", p + "/mprotect", "{\"addr\":\"" + addr + "\",\"length\":4096}", 400, "EINVAL"),
                Case.json("mprotect: unaligned", "POST", p + "/mprotect", "{\"addr\":" + (va + 8) + ",\"length\":4096,\"prot\":\"r\"}", 400, "EINVAL"),
                Case.json("mprotect: unmapped range", "POST", p + "/mprotect", "{\"addr\":\"0x1000\",\"length\":4096,\"prot\":\"r\"}", 409, "ENOMEM"),
                Case.json("mprotect: runs past the VMA", "POST", p + "/mprotect", "{\"addr\":\"" + addr + "\",\"length\":69632,\"prot\":\"r\"}", 409, "ENOMEM"),
                new Case("write: outside any VMA", "PUT", p + "/memory?addr=0x1000", BIN, "data".getBytes(), 400, "EFAULT"),
                new Case("write: crossing the VMA's end", "PUT", p + "/memory?addr=0x" + Long.toHexString(va + 65534), BIN, "four".getBytes(), 400, "EFAULT"),
                new Case("write: address not hex", "PUT", p + "/memory?addr=nowhere", BIN, "data".getBytes(), 400, "EINVAL"),
                new Case("write: missing addr", "PUT", p + "/memory", BIN, "data".getBytes(), 400, "EINVAL"),
                new Case("write: JSON body", "PUT", p + "/memory?addr=" + addr, JSON_TYPE, "{}".getBytes(), 415, "EINVAL"),
                new Case("write: above the access cap", "PUT", p + "/memory?addr=" + addr, BIN, new byte[(1 << 20) + 1], 413, "E2BIG"),
                new Case("write: unknown pid", "PUT", none + "/memory?addr=" + addr, BIN, "data".getBytes(), 404, "ESRCH"),
                Case.json("read: negative length", "GET", p + "/memory?addr=" + addr + "&length=-1", null, 400, "EINVAL"),
                Case.json("read: missing length", "GET", p + "/memory?addr=" + addr, null, 400, "EINVAL"),
                Case.json("read: huge length", "GET", p + "/memory?addr=" + addr + "&length=1099511627776", null, 413, "E2BIG"),
                Case.json("read: outside any VMA", "GET", p + "/memory?addr=0x1000&length=16", null, 400, "EFAULT"),
                Case.json("read: beyond the user space", "GET", p + "/memory?addr=0x7fffffffffffffff&length=16", null, 400, "EFAULT"),
                Case.json("reclaim: neither range nor pages", "POST", p + "/reclaim", "{}", 400, "EINVAL"),
                Case.json("reclaim: both range and pages", "POST", p + "/reclaim", "{\"addr\":\"" + addr + "\",\"length\":4096,\"pages\":1}", 400, "EINVAL"),
                Case.json("reclaim: zero pages", "POST", p + "/reclaim", "{\"pages\":0}", 400, "EINVAL"),
                Case.json("reclaim: addr without length", "POST", p + "/reclaim", "{\"addr\":\"" + addr + "\"}", 400, "EINVAL"),
                Case.json("reclaim: unmapped range", "POST", p + "/reclaim", "{\"addr\":\"0x1000\",\"length\":4096}", 409, "ENOMEM"),
                Case.json("fault: missing list", "POST", p + "/fault", "{}", 400, "EINVAL"),
                Case.json("fault: bad access", "POST", p + "/fault", "{\"faults\":[{\"addr\":\"" + addr + "\",\"access\":\"fetch\"}]}", 400, "EINVAL"),
                Case.json("fault: missing addr", "POST", p + "/fault", "{\"faults\":[{\"access\":\"read\"}]}", 400, "EINVAL"),
                Case.json("fault: null entry", "POST", p + "/fault", "{\"faults\":[null]}", 400, "EINVAL"),
                Case.json("fault: list not an array", "POST", p + "/fault", "{\"faults\":\"" + addr + "\"}", 400, "EINVAL"),
                Case.json("fault: unknown pid", "POST", none + "/fault", "{\"faults\":[]}", 404, "ESRCH"),
                Case.json("pin: zero length", "POST", p + "/pin", "{\"addr\":\"" + addr + "\",\"length\":0}", 400, "EINVAL"),
                Case.json("pin: unmapped", "POST", p + "/pin", "{\"addr\":\"0x1000\",\"length\":4096}", 400, "EFAULT"),
                Case.json("pin: write as number", "POST", p + "/pin", "{\"addr\":\"" + addr + "\",\"length\":4096,\"write\":1}", 400, "EINVAL"),
                Case.json("unpin: not pinned", "POST", p + "/unpin", "{\"addr\":\"" + addr + "\",\"length\":4096}", 400, "EINVAL"),
                Case.json("asid unpin: not pinned", "POST", p + "/asid/unpin", null, 400, "EINVAL"),
                Case.json("notifier: missing url", "POST", p + "/notifiers", "{}", 400, "EINVAL"),
                Case.json("notifier: not a URL", "POST", p + "/notifiers", "{\"callbackUrl\":\"::nope\"}", 400, "EINVAL"),
                Case.json("notifier: not http", "POST", p + "/notifiers", "{\"callbackUrl\":\"file:///etc/passwd\"}", 400, "EINVAL"),
                Case.json("notifier: unknown id", "DELETE", p + "/notifiers/424242", null, 404, "ENOENT"),
                Case.json("pinned notifier: missing url", "POST", p + "/notifiers/pinned", "{}", 400, "EINVAL"),
                Case.json("pinned notifier: not http", "POST", p + "/notifiers/pinned", "{\"callbackUrl\":\"file:///etc/passwd\"}", 400, "EINVAL"),
                Case.json("pinned notifier: unknown field", "POST", p + "/notifiers/pinned", "{\"callbackUrl\":\"http://127.0.0.1:1/x\",\"pin\":true}", 400, "EINVAL"),
                Case.json("pinned notifier: unknown pid", "POST", none + "/notifiers/pinned", "{\"callbackUrl\":\"http://127.0.0.1:1/x\"}", 404, "ESRCH"),
                Case.json("pinned notifier: unknown id, nothing pinned", "DELETE", p + "/notifiers/pinned/424242", null, 400, "EINVAL"),
                new Case("bus read: truncated header", "POST", "/mm/v1/bus/read", BIN, new byte[] {1, 2, 3}, 400, "EINVAL"),
                new Case("bus read: outside RAM", "POST", "/mm/v1/bus/read", BIN, header(0x1000, 8), 400, "EINVAL"),
                new Case("bus read: free frame", "POST", "/mm/v1/bus/read", BIN, header(freePa, 8), 400, "EFAULT"),
                new Case("bus read: length above 2^31", "POST", "/mm/v1/bus/read", BIN, header(freePa, -1), 400, "EINVAL"),
                new Case("bus read: batch above the cap", "POST", "/mm/v1/bus/read", BIN, header(0x4000_0000L, 1 << 30), 413, "E2BIG"),
                new Case("bus write: data shorter than its header says", "POST", "/mm/v1/bus/write", BIN, header(freePa, 100), 400, "EINVAL"),
                new Case("bus write: free frame", "POST", "/mm/v1/bus/write", BIN,
                        ByteBuffer.allocate(13).putLong(freePa).putInt(1).put((byte) 7).array(), 400, "EFAULT"),
                new Case("bus write: JSON body", "POST", "/mm/v1/bus/write", JSON_TYPE, "{}".getBytes(), 415, "EINVAL"),
                Case.json("bus cas: unaligned", "POST", "/mm/v1/bus/cas", "{\"pa\":\"0x40000004\",\"expected\":\"0x0\",\"update\":\"0x1\"}", 400, "EINVAL"),
                Case.json("bus cas: word not hex", "POST", "/mm/v1/bus/cas", "{\"pa\":\"0x40000000\",\"expected\":\"zero\",\"update\":\"0x1\"}", 400, "EINVAL"),
                Case.json("bus cas: word as number", "POST", "/mm/v1/bus/cas", "{\"pa\":\"0x40000000\",\"expected\":0,\"update\":\"0x1\"}", 400, "EINVAL"),
                Case.json("bus cas: missing update", "POST", "/mm/v1/bus/cas", "{\"pa\":\"0x40000000\",\"expected\":\"0x0\"}", 400, "EINVAL"),
                Case.json("bus cas: free frame", "POST", "/mm/v1/bus/cas", "{\"pa\":\"0x" + Long.toHexString(freePa) + "\",\"expected\":\"0x0\",\"update\":\"0x1\"}", 400, "EFAULT"),
                Case.json("bus pages: no owner", "POST", "/mm/v1/bus/pages", "{\"count\":1}", 400, "EINVAL"),
                Case.json("bus pages: zero count", "POST", "/mm/v1/bus/pages", "{\"owner\":\"x\",\"count\":0}", 400, "EINVAL"),
                Case.json("bus pages: more than RAM", "POST", "/mm/v1/bus/pages", "{\"owner\":\"x\",\"count\":200000}", 409, "ENOMEM"),
                Case.json("bus pages: count as text", "POST", "/mm/v1/bus/pages", "{\"owner\":\"x\",\"count\":\"one\"}", 400, "EINVAL"),
                Case.json("bus free: not the owner's", "POST", "/mm/v1/bus/pages/free", "{\"owner\":\"x\",\"pa\":\"0x40001000\",\"count\":1}", 400, "EINVAL"),
                Case.json("bus free: unaligned", "POST", "/mm/v1/bus/pages/free", "{\"owner\":\"x\",\"pa\":\"0x40001001\",\"count\":1}", 400, "EINVAL"),
                Case.json("unknown path", "GET", "/mm/v1/nothing", null, 404, "ENOENT"),
                Case.json("wrong method", "PATCH", p, "{}", 405, "EINVAL")));

        String before = snapshot(pid);
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Response r = c.body() == null
                    ? send(c.method(), c.path(), c.contentType(), new byte[0])
                    : send(c.method(), c.path(), c.contentType(), c.body());
            String why = check(c, r);
            if (why != null) {
                failures.add(c.name() + ": " + why + " — got " + r);
            }
        }
        assertThat(failures).isEmpty();
        assertThat(snapshot(pid)).as("no bad request changed any state").isEqualTo(before);
        assertThat(get("/mm/v1/processes/" + pid + "/memory?addr=" + addr + "&length=7").bytes()).isEqualTo("keep me".getBytes());
    }

    private static String check(Case c, Response r) {
        if (r.status() != c.status()) {
            return "status " + r.status() + " instead of " + c.status();
        }
        if (!r.contentType().startsWith("application/problem+json")) {
            return "content type " + r.contentType();
        }
        JsonNode n = r.json();
        if (!c.errno().equals(n.path("errno").asString())) {
            return "errno " + n.path("errno").asString() + " instead of " + c.errno();
        }
        if (n.path("type").asString().isEmpty() || n.path("detail").asString().contains("Exception")) {
            return "no stable type, or a leaked exception";
        }
        return null;
    }

    /** Everything a bad request could have changed: the process, the RAM. */
    private String snapshot(long pid) {
        JsonNode proc = get("/mm/v1/processes/" + pid).json();
        JsonNode ram = get("/mm/v1/ram").json();
        return proc.toString() + " " + ram.path("freeFrames") + " " + ram.path("pinnedPages") + " " + ram.path("swapSlotsUsed")
                + " " + ram.path("kernelPages") + " " + get("/mm/v1/processes?size=1000").json().path("total");
    }
}
