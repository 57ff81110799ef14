package org.svafabric.gateway.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.svafabric.api.testing.TestHttp;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The workloads API of the gateway alone (no backends): ownership, paging, input refused before
 * anything is created, and the report page in a real browser (Debian's chromium + chromedriver).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.config.name=gateway",
        "spring.datasource.url=jdbc:h2:mem:gw-workloads;DB_CLOSE_DELAY=-1",
        "fabric.services.mm=http://127.0.0.1:9",
        "fabric.services.iommu=http://127.0.0.1:9",
        "fabric.services.device=http://127.0.0.1:9",
        "fabric.security.tokens[0].token=t-1000",
        "fabric.security.tokens[0].uid=1000",
        "fabric.security.tokens[1].token=t-1001",
        "fabric.security.tokens[1].uid=1001"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkloadApiTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    WorkloadRepository repo;

    private TestHttp.Response send(String method, String path, String token, String body) {
        return TestHttp.bearer(port, token).json(method, "/api/v1" + path, body);
    }

    /** A finished workload as the runner persists it, with a report built from constructed job records. */
    private String finished(long uid) {
        AtomicLong clock = new AtomicLong();
        WorkloadStats s = new WorkloadStats(clock::get);
        s.timedPartStarts();
        for (int i = 0; i < 300; i++) {
            clock.set(i * 20_000_000L);
            long faults = i % 3 == 0 ? 16 : 0;
            s.completed(new JobOutcome("j" + i, "COMPLETED", 800 + (i * 37) % 900, faults, faults / 16, 0,
                    faults > 0 ? List.of(40L + i % 50, 70L) : List.of(), 18_000L + (i % 7) * 4_000L,
                    Map.of("transfer", 16_000L, "walk", 2_000L, "prg", (i % 7) * 4_000L), null), 65536);
        }
        s.failed("job j301 on 0000:01:00.0 ended FAULTED: F_TRANSLATION");
        clock.set(6_000_000_000L);
        s.timedPartEnds();
        WorkloadRequest req = new WorkloadRequest(List.of("0000:01:00.0"), 1, 65536L, "memcpy", "sva", "cold", 2, 6, null, null, null);
        WorkloadEntity w = new WorkloadEntity(java.util.UUID.randomUUID().toString(), uid, JSON.writeValueAsString(req));
        w.started();
        w.ended(WorkloadStatus.COMPLETED, JSON.writeValueAsString(ReportBuilder.build(s, new WorkloadReport.Invalidations(12, 4), null)), null);
        return repo.save(w).getId();
    }

    @Test
    void aWorkloadIsItsOwnersAndAnotherUidGets404() throws Exception {
        String id = finished(1000);
        TestHttp.Response mine = send("GET", "/workloads/" + id, "t-1000", null);
        assertThat(mine.status()).isEqualTo(200);
        JsonNode w = JSON.readTree(mine.body());
        assertThat(w.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(w.path("request").path("faultMode").asString()).isEqualTo("cold");
        assertThat(w.path("report").path("jobs").asLong()).isEqualTo(300);
        assertThat(w.path("report").path("model").path("jobLatencyNanos").has("p99")).isTrue();
        TestHttp.Response theirs = send("GET", "/workloads/" + id, "t-1001", null);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.body()).contains("\"errno\":\"ENOENT\"");
        assertThat(send("DELETE", "/workloads/" + id, "t-1001", null).status()).isEqualTo(404);
        assertThat(send("GET", "/workloads/" + id + "/report.html", "t-1001", null).status()).isEqualTo(404);
    }

    @Test
    void theListIsPagedAndShowsOnlyTheCallersWorkloads() throws Exception {
        for (int i = 0; i < 3; i++) {
            finished(1001);
        }
        TestHttp.Response first = send("GET", "/workloads?page=0&size=2", "t-1001", null);
        assertThat(first.status()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).size()).isEqualTo(2);
        assertThat(first.headers().firstValue("X-Total-Count")).hasValue("3");
        assertThat(first.headers().firstValue("Link")).hasValueSatisfying(l -> assertThat(l).contains("page=1&size=2"));
        assertThat(JSON.readTree(send("GET", "/workloads?page=1&size=2", "t-1001", null).body()).size()).isEqualTo(1);
        assertThat(send("GET", "/workloads?size=0", "t-1001", null).status()).isEqualTo(400);
    }

    @Test
    void badInputIsAProblemWithErrnoBeforeAnythingIsCreated() throws Exception {
        long before = repo.count();
        TestHttp.Response mode = send("POST", "/workloads", "t-1000", """
                {"devices":["0000:01:00.0"],"processes":1,"bufferBytes":65536,"op":"memcpy","mode":"iommufd","faultMode":"warm",
                 "concurrency":1,"jobs":1}""");
        assertThat(mode.status()).isEqualTo(400);
        assertThat(mode.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("application/problem+json"));
        assertThat(mode.body()).contains("\"errno\":\"EINVAL\"").contains("mode must be sva or pinned");
        TestHttp.Response missing = send("POST", "/workloads", "t-1000", """
                {"devices":["0000:01:00.0"],"bufferBytes":65536,"op":"memcpy","mode":"sva","faultMode":"warm","concurrency":1,"jobs":1}""");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body()).contains("\"errno\":\"EINVAL\"").contains("processes");
        assertThat(repo.count()).isEqualTo(before);
        assertThat(send("GET", "/workloads/nope", "t-1000", null).status()).isEqualTo(404);
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Test
    void theReportPageDrawsItsChartsInARealBrowser() throws Exception {
        Optional<Path> chromium = onPath("chromium");
        Optional<Path> driverBinary = onPath("chromedriver");
        assumeTrue(chromium.isPresent() && driverBinary.isPresent(),
                "the report page's browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver); skipped");
        String id = finished(1000);
        TestHttp.Response page = send("GET", "/workloads/" + id + "/report.html", "t-1000", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(c -> assertThat(c).startsWith("text/html"));
        assertThat(page.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");

        Path profile = Files.createTempDirectory("report-page-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.get().toString());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1400",
                "--user-data-dir=" + profile);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driverBinary.get().toFile()).usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            // The API takes a bearer token, which a browser only sends when told to.
            browser.executeCdpCommand("Network.enable", Map.of());
            browser.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", "Bearer t-1000")));
            browser.get("http://127.0.0.1:" + port + "/api/v1/workloads/" + id + "/report.html");
            new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector(".chart canvas")).size() == 4);
            for (String chart : List.of("throughput", "latency", "faults", "model")) {
                Object drawn = ((JavascriptExecutor) browser).executeScript("""
                        const c = document.querySelector('#' + arguments[0] + ' canvas');
                        if (!c || c.width === 0 || c.height === 0) return 0;
                        const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                        let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) n++;
                        return n;""", chart);
                assertThat(((Number) drawn).longValue()).as("painted pixels of chart " + chart).isGreaterThan(500);
            }
            assertThat(browser.findElement(By.id("summary")).getText()).contains("COMPLETED", "300 in 6 s", "F_TRANSLATION", "model");
            List<LogEntry> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()).toList();
            assertThat(errors).as("console errors").isEmpty();
            Path shot = Path.of("target", "report-page.png");
            Files.createDirectories(shot.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(shot)).isPositive();
        } finally {
            browser.quit();
        }
    }
}
