#!/usr/bin/env bash
# Issue 10's benchmark in one command: builds, boots the four services in one JVM (real HTTP on loopback),
# measures a bare Spring Boot floor in the same run and prints every row of docs/PERFORMANCE.md's table as a
# ratio to it. Options go through as system properties, e.g.
#   docs/perf.sh -Druns=5 -Dwarm.max=268435456 -Donly=warm,cold
# With JFR: JFR=/tmp/perf.jfr docs/perf.sh   (then: jfr print --events jdk.ThreadPark /tmp/perf.jfr)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -ntp -q -pl e2e-tests -am install -DskipTests
# The common pool must be parallel before Maven's JVM first uses it (see fabric-api CommonPool).
opts="-Xmx${PERF_HEAP:-3g} -Djava.util.concurrent.ForkJoinPool.common.parallelism=$(( $(nproc) > 2 ? $(nproc) : 2 ))"
if [ -n "${JFR:-}" ]; then
  opts="$opts -XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true${JFR_EXTRA:-}"
fi
MAVEN_OPTS="$opts" ./mvnw -B -ntp -q -pl e2e-tests exec:java -Dbench=PerfBenchmark "$@" 2>&1 | grep -v -E '^\[|WARN'
