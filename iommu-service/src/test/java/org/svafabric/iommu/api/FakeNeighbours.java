package org.svafabric.iommu.api;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.svafabric.api.bus.LocalMemoryBus;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.api.topology.Topology;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * mm-service and device-service as iommu-service sees them, on one local HTTP server: processes whose page
 * tables live in the test's RAM (handle_mm_fault maps a fresh frame), and the default topology's devices,
 * which record every call the SMMU side makes to them.
 */
final class FakeNeighbours implements AutoCloseable {
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Call(String method, String path, JsonNode body) {
    }

    record Process(long pid, long pgd, int asid) {
    }

    final LocalMemoryBus ram;
    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Map<Long, Process> processes = new ConcurrentHashMap<>();
    /** Pages whose faults are refused (no VMA there). */
    final Set<Long> forbidden = ConcurrentHashMap.newKeySet();
    private final AtomicLong subscriptions = new AtomicLong();
    private final HttpServer server;

    FakeNeighbours(LocalMemoryBus ram) throws IOException {
        this.ram = ram;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    Process process(long pid, int asid) {
        Process p = new Process(pid, ram.allocKernelPages("cpu", 1), asid);
        processes.put(pid, p);
        return p;
    }

    /** Maps a user page of the process, as the CPU's fault handler would. */
    void map(Process p, long va, long pa, boolean write) {
        long table = p.pgd();
        for (int level = 0; level < 3; level++) {
            long at = table + 8L * Vmsa.index(va, level);
            long d = ram.read64(at);
            if (!Pte.isValid(d)) {
                d = Pte.table(ram.allocKernelPages("cpu", 1));
                ram.write64(at, d);
            }
            table = Pte.nextTable(d);
        }
        ram.write64(table + 8L * Vmsa.index(va, 3), Pte.userPage(pa, true, write, false, true, true));
    }

    List<Call> calls(String pathPart) {
        List<Call> out = new ArrayList<>();
        for (Call c : calls) {
            if (c.path().contains(pathPart)) {
                out.add(c);
            }
        }
        return out;
    }

    private static final Pattern PROCESS = Pattern.compile("/mm/v1/processes/(\\d+)(/.*)?");
    private static final Pattern DEVICE = Pattern.compile("/device/v1/devices/([^/]+)/(.+)");

    private void handle(HttpExchange x) throws IOException {
        String method = x.getRequestMethod();
        String path = x.getRequestURI().getPath();
        byte[] in = x.getRequestBody().readAllBytes();
        JsonNode body = in.length == 0 ? null : JSON.readTree(in);
        calls.add(new Call(method, path, body));
        Matcher pm = PROCESS.matcher(path);
        Matcher dm = DEVICE.matcher(path);
        if (path.equals("/device/v1/devices") && method.equals("GET")) {
            List<DeviceViews.Device> list = new ArrayList<>();
            Topology.loadDefault().devices().forEach(d -> list.add(new DeviceViews.Device(d.id(), d.type(), d.streamId(),
                    new DeviceViews.Capabilities(d.pasidBits(), d.hasPri(), d.hasAts(), d.canStall()), d, null, null)));
            reply(x, 200, list);
        } else if (pm.matches()) {
            mm(x, method, Long.parseLong(pm.group(1)), pm.group(2) == null ? "" : pm.group(2), body);
        } else if (dm.matches()) {
            String op = dm.group(2);
            if (op.equals("mm-exit")) {
                reply(x, 200, Map.of("ret", 0));
            } else if (op.equals("ats/invalidate")) {
                reply(x, 200, Map.of("invalidated", 0));
            } else {
                reply(x, 204, null);
            }
        } else {
            reply(x, 404, Map.of("type", "https://sva-fabric.dev/problems/not-found", "errno", "ENOENT", "detail", path));
        }
    }

    private void mm(HttpExchange x, String method, long pid, String op, JsonNode body) throws IOException {
        Process p = processes.get(pid);
        if (p == null) {
            reply(x, 404, Map.of("type", "https://sva-fabric.dev/problems/no-such-process", "errno", "ESRCH", "detail", "no process " + pid));
            return;
        }
        switch (op) {
            case "" -> reply(x, 200, Map.of("pid", pid, "name", "p", "uid", 1000, "state", "RUNNING", "asid", p.asid(),
                    "pgd", Addr.hex(p.pgd())));
            case "/asid/pin" -> reply(x, 200, Map.of("asid", p.asid()));
            case "/notifiers", "/notifiers/pinned" -> reply(x, method.equals("POST") ? 201 : 204,
                    Map.of("id", subscriptions.incrementAndGet(), "pgd", Addr.hex(p.pgd()), "asid", p.asid()));
            case "/fault" -> reply(x, 200, Map.of("results", faults(p, body)));
            default -> reply(x, 204, null);
        }
    }

    private List<Map<String, Object>> faults(Process p, JsonNode body) {
        List<Map<String, Object>> results = new ArrayList<>();
        for (JsonNode f : body.path("faults")) {
            long va = Addr.parseHex(f.path("addr").asString());
            if (forbidden.contains(Vmsa.pageDown(va))) {
                results.add(Map.of("addr", Addr.hex(va), "ok", false, "errno", "EFAULT", "reason", "no VMA"));
                continue;
            }
            map(p, Vmsa.pageDown(va), ram.allocKernelPages("cpu", 1), true);
            // A fresh frame every time: what mm-service calls a major fault.
            results.add(Map.of("addr", Addr.hex(va), "ok", true, "kind", "major"));
        }
        return results;
    }

    private static void reply(HttpExchange x, int status, Object body) throws IOException {
        byte[] out = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
        if (body != null) {
            x.getResponseHeaders().add("Content-Type", status >= 400 ? "application/problem+json" : "application/json");
        }
        x.sendResponseHeaders(status, status == 204 ? -1 : out.length);
        if (status != 204) {
            try (OutputStream o = x.getResponseBody()) {
                o.write(out);
            }
        }
        x.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
