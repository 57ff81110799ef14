#!/usr/bin/env bash
# Issue 10's benchmark in one command: builds, boots the four services in one JVM (real HTTP on loopback),
# measures a bare Spring Boot floor in the same run and prints every row of docs/PERFORMANCE.md's table as a
# ratio to it. Options go through as system properties, e.g.
#   docs/perf.sh -Druns=5 -Dwarm.max=268435456 -Donly=warm,cold
#   docs/perf.sh -Donly=cold -Dfabric.device.pri-group-pages=8     (a service property for this run)
# With JFR: JFR=/tmp/perf.jfr docs/perf.sh   (then: jfr print --events jdk.ThreadPark /tmp/perf.jfr)
# It runs this checkout's classes (target/classes of every module, from one reactor build), never what another
# checkout installed into ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile=e2e-tests/target/perf-classpath.txt
./mvnw -B -ntp -q -pl e2e-tests -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$cpfile" >/dev/null
# The common pool must be parallel before anything uses it (see fabric-api CommonPool).
opts=(-Xmx"${PERF_HEAP:-3g}" -Djava.util.concurrent.ForkJoinPool.common.parallelism=$(( $(nproc) > 2 ? $(nproc) : 2 )))
if [ -n "${JFR:-}" ]; then
  opts+=(-XX:StartFlightRecording=filename="$JFR",settings=profile,dumponexit=true${JFR_EXTRA:-})
fi
exec java "${opts[@]}" "$@" -cp "e2e-tests/target/test-classes:e2e-tests/target/classes:$(cat "$cpfile")" \
  org.svafabric.e2e.bench.PerfBenchmark
