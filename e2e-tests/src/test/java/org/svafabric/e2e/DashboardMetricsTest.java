package org.svafabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard in docs/monitoring/grafana queries only metrics the services expose: every
 * metric name its PromQL uses is found in some running service's /actuator/prometheus after a
 * little traffic (a cold copy through PRI, one through stalls). A renamed meter fails here
 * instead of leaving a panel silently empty.
 */
@ExtendWith(FabricExtension.class)
@Timeout(300)
class DashboardMetricsTest {
    static final Path DASHBOARD = Path.of("..", "docs", "monitoring", "grafana", "dashboards", "sva-fabric.json");
    static final Path DATASOURCE = Path.of("..", "docs", "monitoring", "grafana", "provisioning", "datasources", "prometheus.yml");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** PromQL words that look like metric names but are not. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w$:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

    private final Fabric fabric;
    private final Story s;

    DashboardMetricsTest(Fabric fabric) {
        this.fabric = fabric;
        this.s = new Story(new Api(fabric.gateway(), Fabric.USER_TOKEN));
    }

    @Test
    void metricNamesOfAQueryAreItsSelectorsNotItsFunctionsLabelsOrVariables() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, kind) (rate(sva_iopf_latency_seconds_bucket{queue=\"a\"}[$__rate_interval])))"))
                .containsExactly("sva_iopf_latency_seconds_bucket");
        assertThat(metricNames("sum(rate(a_total[5m])) / (sum(rate(b_total{x=~\"$device\"}[1m])) + on (device) c)"))
                .containsExactly("a_total", "b_total", "c");
    }

    @Test
    void everyMetricTheDashboardQueriesIsExposedByARunningService() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        String datasourceUid = datasourceUid();
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                exprs.add(target.path("expr").asString());
                assertThat(target.path("datasource").path("uid").asString()).as(panel.path("title").asString())
                        .isEqualTo(datasourceUid);
            }
        }
        dashboard.path("templating").path("list").forEach(v -> exprs.add(v.path("definition").asString()
                .replaceAll("^label_values\\(([^,]+),.*$", "$1")));
        Set<String> wanted = new TreeSet<>();
        exprs.forEach(e -> wanted.addAll(metricNames(e)));
        assertThat(wanted).as("metric names in the dashboard").hasSizeGreaterThan(20);

        traffic();

        StringBuilder scraped = new StringBuilder();
        for (String service : List.of("mm", "iommu", "device", "gateway")) {
            scraped.append(scrape(service)).append('\n');
        }
        Set<String> exposed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scraped);
        while (m.find()) {
            exposed.add(m.group(1));
        }
        assertThat(exposed).as("names exposed by the four services").containsAll(wanted);
    }

    /** Cold copies through PRI (PCIe) and through stalls (platform), so every path has run once. */
    private void traffic() {
        long pid = s.process("dashboard");
        long src = s.mmap(pid, 2 * 65536, "rw");
        long dst = src + 65536;
        s.write(pid, src, new byte[65536]);
        for (String dev : List.of(Story.SVA_DEV, Story.STALL_DEV)) {
            s.svaInit(dev);
            int pasid = s.bind(dev, pid);
            s.completed(dev, Map.of("op", "memcpy", "pasid", pasid, "src", Story.hex(src), "dst", Story.hex(dst), "length", 65536));
            assertThat(s.api().delete("/devices/" + dev + "/sva/bonds/" + pasid).status()).isEqualTo(204);
        }
        assertThat(s.api().delete("/processes/" + pid).status()).isEqualTo(202);
    }

    private String scrape(String service) throws IOException, InterruptedException {
        HttpRequest r = HttpRequest.newBuilder(URI.create(fabric.url(service) + "/actuator/prometheus")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Fabric.SERVICE_TOKEN).GET().build();
        HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(service + " /actuator/prometheus").isEqualTo(200);
        return resp.body();
    }

    private static String datasourceUid() throws IOException {
        Matcher m = Pattern.compile("(?m)^\\s*uid:\\s*(\\S+)").matcher(Files.readString(DATASOURCE));
        assertThat(m.find()).as("the provisioned data source has a uid").isTrue();
        return m.group(1);
    }

    /**
     * The metric names a PromQL expression selects: with label values, matchers, ranges and
     * grouping clauses removed, what is left that is not a function call or keyword.
     */
    static List<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\[[^\\]]*\\]", "")
                .replaceAll("\\{[^}]*\\}", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        List<String> names = new ArrayList<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String name = m.group(1);
            if (m.group(2) == null && !KEYWORDS.contains(name.toLowerCase()) && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
