package org.svafabric.gateway.workloads;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.stereotype.Component;

import tools.jackson.databind.json.JsonMapper;

/**
 * GET /workloads/{id}/report.html: the report as a page a person reads. The page is one file:
 * uPlot (from its WebJar on the gateway's classpath) and the workload's JSON are inlined, so it
 * loads nothing from any host, not even the gateway, and still works when saved with curl.
 */
@Component
public class ReportPage {
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String script;
    private final String style;

    public ReportPage() {
        this.script = resource(UPLOT + "uPlot.iife.min.js");
        this.style = resource(UPLOT + "uPlot.min.css");
    }

    public String render(WorkloadView workload) {
        // "</" inside the JSON would end the script element early.
        String data = JSON.writeValueAsString(workload).replace("</", "<\\/");
        return TEMPLATE.replace("%STYLE%", style).replace("%UPLOT%", script.replace("</", "<\\/"))
                .replace("%ID%", String.valueOf(workload.id()).replaceAll("[^0-9a-f-]", "")).replace("%DATA%", data);
    }

    private static String resource(String path) {
        try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is missing from the classpath: " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String TEMPLATE = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Workload %ID% - sva-fabric</title>
            <link rel="icon" href="data:,">
            <style>%STYLE%</style>
            <style>
              body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #222; max-width: 1100px; }
              h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
              table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ccc; padding: .2rem .6rem; text-align: left; }
              th { background: #f3f3f3; } .note { color: #666; font-size: .9rem; } .err { color: #a00; }
              .charts { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; } .chart { min-height: 300px; }
            </style>
            </head>
            <body>
            <h1>Workload <code>%ID%</code></h1>
            <p class="note">Wall clock is what the fabric's services spent (mostly HTTP between Java services); model time is the
            timing model's estimate of the same events on hardware. Neither is the other.</p>
            <div id="summary"></div>
            <div class="charts">
              <div><h2>Throughput over time (wall clock)</h2><div class="chart" id="throughput"></div></div>
              <div><h2>Job latency by percentile</h2><div class="chart" id="latency"></div></div>
              <div><h2>Faults per job over time</h2><div class="chart" id="faults"></div></div>
              <div><h2>Model time vs wall clock</h2><div class="chart" id="model"></div></div>
            </div>
            <script type="application/json" id="workload">%DATA%</script>
            <script>%UPLOT%</script>
            <script>
            (function () {
              const w = JSON.parse(document.getElementById('workload').textContent);
              const r = w.report || null;
              const summary = document.getElementById('summary');
              function row(t, k, v) { const tr = t.insertRow(); const th = document.createElement('th'); th.textContent = k; tr.appendChild(th);
                                      tr.insertCell().textContent = v; }
              const fmt = (v, d) => v === undefined || v === null ? 'n/a' : Number(v).toLocaleString('en', { maximumFractionDigits: d === undefined ? 1 : d });
              const pct = o => o ? 'p50 ' + fmt(o.p50) + ' / p90 ' + fmt(o.p90) + ' / p99 ' + fmt(o.p99) + (o.max !== undefined ? ' / max ' + fmt(o.max) : '') : 'n/a';
              const t = document.createElement('table'); summary.appendChild(t);
              const q = w.request || {};
              row(t, 'status', w.status + (w.failure ? ' - ' + w.failure : ''));
              row(t, 'request', (q.mode || '') + ' ' + (q.faultMode || '') + ' ' + (q.op || '') + ', ' + fmt(q.bufferBytes, 0) + ' bytes, '
                  + (q.devices || []).join(' ') + ', ' + q.processes + ' process(es), concurrency ' + q.concurrency
                  + (q.jobs ? ', ' + q.jobs + ' jobs' : ', ' + q.durationSeconds + ' s'));
              if (r) {
                row(t, 'jobs', fmt(r.jobs, 0) + ' in ' + fmt(r.elapsedSeconds, 2) + ' s: ' + fmt(r.jobsPerSecond) + ' jobs/s, '
                    + fmt(r.bytesPerSecond / 1048576, 2) + ' MiB/s (wall clock)');
                row(t, 'errors', fmt(r.errors.count, 0) + (r.errors.reasons.length ? ': ' + r.errors.reasons.join(' | ') : ''));
                row(t, 'job latency, wall clock (us)', pct(r.jobLatencyMicros));
                row(t, 'PRG round trip, wall clock (us)', pct(r.prgRoundTripMicros));
                row(t, 'faults per job', r.faultsPerJob ? fmt(r.faultsPerJob.pageRequests, 2) + ' page requests, ' + fmt(r.faultsPerJob.groups, 2)
                    + ' groups, ' + fmt(r.faultsPerJob.stalls, 2) + ' stalls' : 'n/a');
                row(t, 'invalidations', r.invalidations ? fmt(r.invalidations.tlbi, 0) + ' TLBI, ' + fmt(r.invalidations.atcInv, 0) + ' ATC_INV' : 'n/a');
                if (r.pinning) row(t, 'pinning', fmt(r.pinning.pages, 0) + ' pages pinned'
                    + (r.pinning.mapUnmapMicros ? '; MAP_DMA + UNMAP_DMA per job (us, wall clock) ' + pct(r.pinning.mapUnmapMicros) : '')
                    + (r.pinning.modelNanosPerJob !== undefined ? '; model per job ' + fmt(r.pinning.modelNanosPerJob / 1000) + ' us' : '')
                    + (r.pinning.modelNanos !== undefined ? '; model in all ' + fmt(r.pinning.modelNanos / 1000) + ' us' : ''));
                if (r.reclaimedPages !== undefined) row(t, 'pages reclaimed while jobs ran', fmt(r.reclaimedPages, 0));
                (r.smmus || []).forEach(function (m) {
                  row(t, m.smmu, fmt(m.priqRequests, 0) + ' page requests, ' + fmt(m.cmdqCommands, 0) + ' commands ('
                    + fmt(m.cmdqSyncs, 0) + ' CMD_SYNC), ' + fmt(m.tlbiCommands, 0) + ' TLBI, ' + fmt(m.atcInvCommands, 0)
                    + ' ATC_INV, ' + fmt(m.broadcastTlbis, 0) + ' broadcast TLBI; IOTLB ' + fmt(m.iotlbHits, 0) + ' hits / '
                    + fmt(m.iotlbMisses, 0) + ' misses');
                });
                row(t, 'model', r.model ? fmt(r.model.bytesPerSecond / 1048576, 2) + ' MiB/s; job latency (ns) ' + pct(r.model.jobLatencyNanos)
                    : 'absent: the jobs carried no timing model');
              } else {
                row(t, 'report', 'none yet' + (w.progress ? ': ' + fmt(w.progress.jobs, 0) + ' jobs after ' + fmt(w.progress.elapsedSeconds) + ' s' : ''));
              }
              const series = r && r.series ? r.series : [];
              const curve = r && r.latencyCurve ? r.latencyCurve : [];
              const width = el => Math.max(320, document.getElementById(el).clientWidth || 520);
              const sec = series.map(p => p.second);
              new uPlot({ width: width('throughput'), height: 260,
                scales: { x: { time: false }, mib: {} },
                axes: [{ label: 'second' }, { label: 'jobs/s' }, { scale: 'mib', side: 1, label: 'MiB/s', grid: { show: false } }],
                series: [{}, { label: 'jobs/s', stroke: '#1f77b4', width: 2 }, { label: 'MiB/s', stroke: '#ff7f0e', width: 2, scale: 'mib' }] },
                [sec, series.map(p => p.jobs), series.map(p => p.bytes / 1048576)], document.getElementById('throughput'));
              // x: "nines" of the percentile (0 = p0, 1 = p90, 2 = p99, 3 = p99.9), so the tail is readable
              const nines = p => p >= 100 ? 4 : -Math.log10(1 - p / 100);
              const hasModel = curve.some(c => c.modelNanos !== undefined);
              const lat = [curve.map(c => nines(c.percentile)), curve.map(c => c.wallMicros)];
              const latSeries = [{}, { label: 'wall clock (us)', stroke: '#1f77b4', width: 2 }];
              if (hasModel) { lat.push(curve.map(c => c.modelNanos / 1000)); latSeries.push({ label: 'model (us)', stroke: '#2ca02c', width: 2 }); }
              new uPlot({ width: width('latency'), height: 260, scales: { x: { time: false }, y: { distr: 3 } },
                axes: [{ label: 'percentile', splits: () => [0, 1, 2, 3, 4], values: (u, v) => v.map(x => ['p0', 'p90', 'p99', 'p99.9', 'max'][x] || '') },
                       { label: 'microseconds (log)' }], series: latSeries }, lat, document.getElementById('latency'));
              new uPlot({ width: width('faults'), height: 260, scales: { x: { time: false } },
                axes: [{ label: 'second' }, { label: 'faults per job' }],
                series: [{}, { label: 'faults (page requests + stalls) per job', stroke: '#d62728', width: 2 }] },
                [sec, series.map(p => p.jobs ? p.faults / p.jobs : 0)], document.getElementById('faults'));
              const marks = ['p50', 'p90', 'p99'];
              const mv = [[1, 2, 3], r && r.jobLatencyMicros ? marks.map(m => r.jobLatencyMicros[m]) : [null, null, null]];
              const mvSeries = [{}, { label: 'wall clock (us)', stroke: '#1f77b4', width: 2, points: { size: 8 } }];
              if (r && r.model) { mv.push(marks.map(m => r.model.jobLatencyNanos[m] / 1000)); mvSeries.push({ label: 'model (us)', stroke: '#2ca02c', width: 2, points: { size: 8 } }); }
              new uPlot({ width: width('model'), height: 260, scales: { x: { time: false, range: [0.5, 3.5] }, y: { distr: 3 } },
                axes: [{ label: 'job latency percentile', splits: () => [1, 2, 3], values: (u, v) => v.map(x => marks[x - 1] || '') },
                       { label: 'microseconds (log)' }], series: mvSeries }, mv, document.getElementById('model'));
              if (!(r && r.model)) {
                const p = document.createElement('p'); p.className = 'note';
                p.textContent = 'No model time: the jobs of this workload carried no timing model.';
                document.getElementById('model').appendChild(p);
              }
            })();
            </script>
            </body>
            </html>
            """;
}
