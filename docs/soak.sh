#!/usr/bin/env bash
# The reliability soak: SOAK_MINUTES (10) of mixed workloads through the public workloads API, one
# minute each, three at a time: SVA memcpy with reclaim (every buffer swapped out each second while
# DMA runs), SVA memset on cold pages (every page a PRI page request), and pinned memcpy through VFIO.
# Every workload creates its own processes and exits them when it ends, so processes come and go all
# the time. At half time one service is killed (kill -9) and brought back with ./fabric up. At the
# end: the invariant audit, which must be clean, and memory before and after (RSS and post-GC heap of
# each JVM; mm-service's free frames, pinned frames and kernel pages).
#
#   ./fabric up && docs/soak.sh          (needs curl, jq, jcmd; the ports of ./fabric: GATEWAY_PORT, ...)
#
# Environment: SOAK_MINUTES (10), SOAK_RESTART (iommu; none: no restart), SOAK_WORKLOAD_SECONDS (60).
set -euo pipefail
cd "$(dirname "$0")/.."
G="http://127.0.0.1:${GATEWAY_PORT:-8080}/api/v1"
MM="http://127.0.0.1:${MM_PORT:-8081}"
TOKEN="${TOKEN:-$(cat .fabric/demo-token)}"
SVC="$(cat .fabric/service-token)"
MINUTES="${SOAK_MINUTES:-10}"
RESTART="${SOAK_RESTART:-iommu}"
SECONDS_EACH="${SOAK_WORKLOAD_SECONDS:-60}"
OUT="$(mktemp -d)"

api() { curl -sS --max-time 600 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }

# Memory of the machine: RSS and post-GC heap of each JVM, RAM frames in mm-service.
snapshot() {
  local s pid rss heap
  for s in mm iommu device gateway; do
    pid=$(cat ".fabric/$s.pid")
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="used") {print $(i+1); exit}}')
    printf '%-8s rss=%sK heap_used_after_gc=%s\n' "$s" "$rss" "$heap"
  done
  curl -fsS -H "X-Fabric-Service-Token: $SVC" "$MM/mm/v1/ram" \
    | jq -c '{totalFrames, freeFrames, pinnedPages, swapSlotsUsed, kernelPages}'
}

# One workload of the given body, waited for; prints "status jobs errors".
workload() {
  local body=$1 id st
  id=$(api -X POST -d "$body" "$G/workloads" | jq -r '.id // empty') || true
  [ -n "$id" ] || { echo "REFUSED 0 0"; return; }
  while :; do
    st=$(api "$G/workloads/$id" | jq -r '.status // "UNKNOWN"') || st=UNKNOWN
    case "$st" in QUEUED|RUNNING|UNKNOWN) sleep 2 ;; *) break ;; esac
  done
  api "$G/workloads/$id" | jq -r '"\(.status) \(.report.jobs // .progress.jobs // 0) \(.report.errors.count // .progress.errors // 0) \(.report.errors.reasons[0] // "")"'
}

SVA_RECLAIM='{"devices":["0000:01:00.0","0000:02:00.0"],"processes":2,"bufferBytes":262144,"op":"memcpy","mode":"sva","faultMode":"reclaim","concurrency":2,"durationSeconds":'$SECONDS_EACH'}'
SVA_COLD='{"devices":["0000:01:00.0"],"processes":2,"bufferBytes":131072,"op":"memset","mode":"sva","faultMode":"cold","concurrency":2,"durationSeconds":'$SECONDS_EACH'}'
PINNED='{"devices":["0000:03:00.0"],"processes":1,"bufferBytes":131072,"op":"memcpy","mode":"pinned","faultMode":"warm","concurrency":2,"durationSeconds":'$SECONDS_EACH'}'

echo "== soak: $MINUTES min of workloads ($SECONDS_EACH s each, 3 at a time), restart of '$RESTART' at half time"
# Warm up once, so that 'before' is a fabric that has run (JIT, pools, connection caches).
SOAK_WARM=$(echo "$SVA_RECLAIM" | jq -c ".durationSeconds = 15")
echo "warm-up: $(workload "$SOAK_WARM")"
echo "-- before ($(date -u +%T))"; snapshot | tee "$OUT/before"
start=$(date +%s); end=$(( start + MINUTES * 60 ))
(
  round=0
  while [ "$(date +%s)" -lt "$end" ]; do
    round=$((round + 1))
    workload "$SVA_RECLAIM" > "$OUT/r$round-sva-reclaim" &
    workload "$SVA_COLD" > "$OUT/r$round-sva-cold" &
    workload "$PINNED" > "$OUT/r$round-pinned" &
    wait
    for f in "$OUT"/r$round-*; do echo "round $round ${f##*/r$round-}: $(cat "$f")"; done
  done
) &
driver=$!
if [ "$RESTART" != none ]; then
  sleep $(( MINUTES * 30 ))
  echo "-- $(date -u +%T) kill -9 $RESTART (pid $(cat ".fabric/$RESTART.pid")), then ./fabric up"
  kill -9 "$(cat ".fabric/$RESTART.pid")"
  t0=$(date +%s); ./fabric up >/dev/null; echo "   $RESTART healthy again after $(( $(date +%s) - t0 )) s"
fi
wait "$driver"
sleep 5
echo "-- after ($(date -u +%T))"; snapshot | tee "$OUT/after"
echo "-- processes of this boot by state: $(curl -fsS -H "X-Fabric-Service-Token: $SVC" "$MM/mm/v1/audit" | jq -c '[.processes[].state] | group_by(.) | map({(.[0]): length}) | add')"
cat "$OUT"/r* | awk '{n++; jobs+=$2; err+=$3; st[$1]++} END {printf "-- %d workloads (", n; for (s in st) printf "%s %d ", s, st[s]; printf "), %d jobs, %d errors\n", jobs, err}'
audit=$(api "$G/fabric/audit")
echo "-- audit: $(echo "$audit" | jq -c '{clean, checked, findings: (.findings | length)}')"
echo "$audit" | jq -e '.clean == true' >/dev/null || { echo "$audit" | jq . >&2; echo "SOAK FAIL: audit not clean" >&2; exit 1; }
echo "soak: OK"
