package org.svafabric.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What a simulation runs against and how hard, from system properties (the Maven plugin passes
 * {@code -Dname=value} through to the Gatling JVM):
 * <ul>
 * <li>{@code baseUrl} the gateway, default {@code http://127.0.0.1:8080};</li>
 * <li>{@code token}, or {@code tokenFile} (default {@code .fabric/demo-token} of the checkout):
 *     the bearer token; the simulations create their processes under its uid;</li>
 * <li>{@code users} virtual users per scenario (default 4), {@code duration} seconds of load
 *     (default 60), {@code rampSeconds} over which users arrive (default a quarter of the duration,
 *     at most 10);</li>
 * <li>{@code bufferBytes} each DMA buffer (default 64 KiB), {@code devices} the devices users are
 *     spread over (default the two PCIe SVA functions and the stall-capable platform device);</li>
 * <li>{@code maxFailedPercent} the failure rate the run's assertion allows (default 0).</li>
 * </ul>
 */
public record FabricTarget(String baseUrl, String token, int users, Duration duration, Duration ramp, long bufferBytes,
                           List<String> devices, double maxFailedPercent) {

    public static final String API = "/api/v1";

    public static FabricTarget fromSystemProperties() {
        String baseUrl = stripSlash(System.getProperty("baseUrl", "http://127.0.0.1:8080"));
        int users = positive("users", Integer.getInteger("users", 4));
        long seconds = positive("duration", Long.getLong("duration", 60));
        long ramp = Long.getLong("rampSeconds", Math.min(10, seconds / 4));
        long buffer = positive("bufferBytes", Long.getLong("bufferBytes", 64 * 1024));
        if (buffer % 4096 != 0) {
            throw new IllegalArgumentException("bufferBytes must be a multiple of the 4 KiB page, not " + buffer);
        }
        List<String> devices = Arrays.stream(System.getProperty("devices", "0000:01:00.0,0000:02:00.0,smmute0").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (devices.isEmpty()) {
            throw new IllegalArgumentException("devices must name at least one device");
        }
        double maxFailed = Double.parseDouble(System.getProperty("maxFailedPercent", "0"));
        return new FabricTarget(baseUrl, readToken(), users, Duration.ofSeconds(seconds), Duration.ofSeconds(Math.max(0, ramp)), buffer,
                devices, maxFailed);
    }

    /** The device a virtual user works on: users are spread round-robin over the devices. */
    public String deviceOf(long userId) {
        return devices.get((int) (userId % devices.size()));
    }

    private static String readToken() {
        String t = System.getProperty("token");
        if (t != null && !t.isBlank()) {
            return t.trim();
        }
        Path file = Path.of(System.getProperty("tokenFile", ".fabric/demo-token"));
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("no -Dtoken given and the token file " + file.toAbsolutePath()
                    + " cannot be read (./fabric up writes it)", e);
        }
    }

    private static <N extends Number> N positive(String name, N n) {
        if (n.longValue() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, not " + n);
        }
        return n;
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
