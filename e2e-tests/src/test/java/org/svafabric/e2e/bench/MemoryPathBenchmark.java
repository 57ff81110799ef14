package org.svafabric.e2e.bench;

import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;

import org.svafabric.api.web.ServiceCredentialFilter;
import org.svafabric.e2e.Fabric;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Throughput of the memory paths, each next to the transport's floor measured in the same run:
 * <ul>
 * <li>CPU write + read of 64 MiB through the gateway (PUT/GET /processes/{pid}/memory);</li>
 * <li>the memory bus bulk read of 64 MiB (mm-service POST /mm/v1/bus/read, one range);</li>
 * <li>a raw loopback HTTP transfer of the same 64 MiB to/from a socket server that does nothing
 * else (the floor: what HTTP on loopback costs with the same client).</li>
 * </ul>
 * Boots the fabric in this JVM (four Spring contexts on random ports). Run:
 * {@code ./mvnw -q -pl e2e-tests -am test-compile -DskipTests && ./mvnw -q -pl e2e-tests exec:java -Dbench=MemoryPathBenchmark}
 */
public final class MemoryPathBenchmark {
    private static final int SIZE = 64 << 20;
    private static final int WARMUP = 2;
    private static final int RUNS = 5;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        byte[] data = new byte[SIZE];
        new Random(1).nextBytes(data);
        try (Fabric fabric = Fabric.start(Map.of("logging.level.root", "ERROR"))) {
            try (RawServer raw = rawServer(data)) {
                String rawUrl = "http://127.0.0.1:" + raw.port() + "/blob";
                String g = fabric.gateway();
                String auth = "Bearer " + Fabric.USER_TOKEN;

                long pid = json(post(g + "/processes", "{\"name\":\"bench\"}", auth, null)).path("pid").asLong();
                String addr = json(post(g + "/processes/" + pid + "/mmap", "{\"length\":" + SIZE + ",\"prot\":\"rw\"}", auth, null))
                        .path("addr").asString();
                String mem = g + "/processes/" + pid + "/memory?addr=" + addr;

                String mm = fabric.url("mm");
                String pa = json(post(mm + "/mm/v1/bus/pages", "{\"owner\":\"bench\",\"count\":" + (SIZE / 4096) + "}", null, Fabric.SERVICE_TOKEN))
                        .path("pa").asString();
                long paValue = Long.decode(pa);
                busWrite(mm, paValue, data);

                System.out.printf("%-46s %10s %10s%n", "path (64 MiB, median of " + RUNS + ")", "MB/s", "ms");
                report("raw loopback HTTP PUT (floor)", () -> time(() -> put(rawUrl, data, null)));
                report("raw loopback HTTP GET (floor)", () -> time(() -> get(rawUrl, null, null)));
                report("gateway CPU write  PUT /memory", () -> time(() -> put(mem, data, auth)));
                report("gateway CPU read   GET /memory", () -> time(() -> check(get(mem + "&length=" + SIZE, auth, null), data)));
                report("mm memory bus bulk read (1 range)", () -> time(() -> check(busRead(mm, paValue, SIZE), data)));
            }
        }
    }

    private static void report(String name, LongSupplier nanos) {
        for (int i = 0; i < WARMUP; i++) {
            nanos.getAsLong();
        }
        long[] t = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            t[i] = nanos.getAsLong();
        }
        Arrays.sort(t);
        double ms = t[RUNS / 2] / 1e6;
        System.out.printf("%-46s %10.1f %10.1f%n", name, (SIZE / 1e6) / (ms / 1e3), ms);
    }

    private interface Call {
        void run() throws Exception;
    }

    private static long time(Call c) {
        long t0 = System.nanoTime();
        try {
            c.run();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return System.nanoTime() - t0;
    }

    private static void check(byte[] got, byte[] want) {
        if (!Arrays.equals(got, want)) {
            throw new IllegalStateException("bytes differ");
        }
    }

    /**
     * The floor: an HTTP/1.1 server that does nothing but move bytes on a socket (no framework,
     * no copies beyond the socket's), one request per connection.
     */
    private static RawServer rawServer(byte[] data) throws IOException {
        return new RawServer(data);
    }

    static final class RawServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread acceptor;

        RawServer(byte[] data) throws IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket s = socket.accept()) {
                        serve(s, data);
                    } catch (IOException e) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "raw-http");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void serve(Socket s, byte[] data) throws IOException {
            BufferedInputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    return;
                }
                head.append((char) c);
            }
            String h = head.toString();
            OutputStream out = s.getOutputStream();
            if (h.startsWith("PUT")) {
                long length = 0;
                for (String line : h.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    }
                }
                byte[] buf = new byte[1 << 16];
                while (length > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, length));
                    if (n < 0) {
                        break;
                    }
                    length -= n;
                }
                out.write("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + data.length
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(data);
            }
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void busWrite(String mm, long pa, byte[] data) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(12 + data.length).putLong(pa).putInt(data.length).put(data);
        send(HttpRequest.newBuilder(URI.create(mm + "/mm/v1/bus/write"))
                .header(ServiceCredentialFilter.HEADER, Fabric.SERVICE_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.array())).build());
    }

    private static byte[] busRead(String mm, long pa, int length) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(12).putLong(pa).putInt(length);
        return send(HttpRequest.newBuilder(URI.create(mm + "/mm/v1/bus/read"))
                .header(ServiceCredentialFilter.HEADER, Fabric.SERVICE_TOKEN)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.array())).build());
    }

    private static byte[] post(String url, String json, String auth, String serviceToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        headers(b, auth, serviceToken);
        return send(b.build());
    }

    private static void put(String url, byte[] data, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
        headers(b, auth, null);
        send(b.build());
    }

    private static byte[] get(String url, String auth, String serviceToken) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        headers(b, auth, serviceToken);
        return send(b.build());
    }

    private static void headers(HttpRequest.Builder b, String auth, String serviceToken) {
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (serviceToken != null) {
            b.header(ServiceCredentialFilter.HEADER, serviceToken);
        }
    }

    private static byte[] send(HttpRequest r) throws Exception {
        HttpResponse<byte[]> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() >= 300) {
            throw new IllegalStateException(r.method() + " " + r.uri() + " -> " + resp.statusCode() + " " + new String(resp.body()));
        }
        return resp.body();
    }

    private static JsonNode json(byte[] body) {
        return JSON.readTree(body);
    }

    private MemoryPathBenchmark() {
    }

}
