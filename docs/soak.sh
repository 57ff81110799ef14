#!/usr/bin/env bash
# The reliability soak: a mixed SVA workload over the public API for SOAK_MINUTES (10), with reclaim
# (swapped pages faulted back by DMA), process exits, munmap, and one restart of a service (kill -9 at
# half time, then ./fabric up), ending with the invariant audit, which must be clean, and memory
# figures before and after: RSS and post-GC heap of each JVM, mm-service's free frames, kernel pages.
#
#   ./fabric up && docs/soak.sh            (needs curl, jq, jcmd; ports from GATEWAY_PORT/MM_PORT/...)
#
# Environment: SOAK_MINUTES (10), SOAK_WORKERS (3), SOAK_RESTART (iommu: the service killed at half
# time; "none" for no restart), SOAK_BUFFER (1048576 bytes per process).
set -euo pipefail
cd "$(dirname "$0")/.."
G="http://127.0.0.1:${GATEWAY_PORT:-8080}/api/v1"
MM="http://127.0.0.1:${MM_PORT:-8081}"
TOKEN="${TOKEN:-$(cat .fabric/demo-token)}"
SVC="$(cat .fabric/service-token)"
MINUTES="${SOAK_MINUTES:-10}"
WORKERS="${SOAK_WORKERS:-3}"
RESTART="${SOAK_RESTART:-iommu}"
BUF="${SOAK_BUFFER:-1048576}"
DEVICES=("0000:01:00.0" "0000:02:00.0")
OUT="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

api() { curl -sS --max-time 120 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
sva_init() { for d in "${DEVICES[@]}"; do api -o /dev/null -X POST -d '{"features":["IOPF"],"maxPasid":0}' "$G/devices/$d/sva" || true; done; }

# Memory of the machine: RSS and post-GC heap of each JVM, RAM frames in mm-service.
snapshot() {
  local s pid rss heap
  for s in mm iommu device gateway; do
    pid=$(cat ".fabric/$s.pid")
    jcmd "$pid" GC.run >/dev/null 2>&1 || true
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
    heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
    printf '%s rss_kb=%s heap_used=%s\n' "$s" "$rss" "$heap"
  done
  curl -fsS -H "X-Fabric-Service-Token: $SVC" "$MM/mm/v1/ram" | jq -c '{freeFrames, totalFrames: .frames, pinnedFrames, swapSlotsUsed, kernelPages}'
}

# One worker: processes come and go, each bound to a device, DMA on cold, warm and reclaimed pages.
worker() {
  local w=$1 end=$2 n=0 pid addr pasid dev st
  while [ "$(date +%s)" -lt "$end" ]; do
    n=$((n + 1)); dev=${DEVICES[$(( (w + n) % 2 ))]}
    pid=$(api -X POST -d "{\"name\":\"soak-$w-$n\"}" "$G/processes" | jq -r '.pid // empty') || true
    [ -n "$pid" ] || { echo "error create" >> "$OUT/w$w"; sleep 1; continue; }
    addr=$(api -X POST -d "{\"length\":$BUF,\"prot\":\"rw\"}" "$G/processes/$pid/mmap" | jq -r '.addr // empty') || true
    pasid=$(api -X POST -d "{\"pid\":$pid}" "$G/devices/$dev/sva/bonds" | jq -r '.pasid // empty') || true
    if [ -z "$addr" ] || [ -z "$pasid" ]; then
      echo "error bind" >> "$OUT/w$w"; sva_init; api -o /dev/null -X DELETE "$G/processes/$pid" || true; sleep 1; continue
    fi
    for op in cold warm reclaim; do
      if [ $op = reclaim ]; then
        api -o /dev/null -X POST -d "{\"addr\":\"$addr\",\"length\":$BUF}" "$G/processes/$pid/reclaim" || true
      fi
      st=$(api -X POST -d "{\"op\":\"memset\",\"pasid\":$pasid,\"dst\":\"$addr\",\"length\":$BUF,\"value\":$((n % 256))}" \
        "$G/devices/$dev/jobs?wait=true" | jq -r '.status // "ERROR"') || st=ERROR
      echo "job $op $st" >> "$OUT/w$w"
    done
    st=$(api -X POST -d "{\"op\":\"sum64\",\"pasid\":$pasid,\"src\":\"$addr\",\"length\":$BUF}" \
      "$G/devices/$dev/jobs?wait=true" | jq -r '.status // "ERROR"') || st=ERROR
    echo "job sum64 $st" >> "$OUT/w$w"
    # Half the processes unbind before they exit, half exit bound (mm_exit tears the bond down).
    if [ $((n % 2)) = 0 ]; then api -o /dev/null -X DELETE "$G/devices/$dev/sva/bonds/$pasid" || true; fi
    api -o /dev/null -X POST -d "{\"addr\":\"$addr\",\"length\":$((BUF / 2))}" "$G/processes/$pid/munmap" || true
    api -o /dev/null -X DELETE "$G/processes/$pid" || true
    echo "exit" >> "$OUT/w$w"
  done
}

echo "== soak: $MINUTES min, $WORKERS workers, restart of '$RESTART' at half time =="
sva_init
# Warm up once so that the 'before' figures are of a fabric that has run (JIT, pools, caches).
worker 99 $(( $(date +%s) + 20 )); rm -f "$OUT/w99"
echo "-- before"; snapshot | tee "$OUT/before"
start=$(date +%s); end=$(( start + MINUTES * 60 ))
for w in $(seq 1 "$WORKERS"); do worker "$w" "$end" & done
if [ "$RESTART" != none ]; then
  sleep $(( MINUTES * 30 ))
  echo "-- $(date -u +%T) kill -9 $RESTART (pid $(cat ".fabric/$RESTART.pid")), then ./fabric up"
  kill -9 "$(cat ".fabric/$RESTART.pid")"
  t0=$(date +%s); ./fabric up >/dev/null; echo "   $RESTART back after $(( $(date +%s) - t0 )) s"
  sva_init
fi
wait
echo "-- after"; snapshot | tee "$OUT/after"
cat "$OUT"/w* > "$OUT/all"
echo "-- workload: $(grep -c '^job' "$OUT/all") jobs ($(grep -c ' COMPLETED$' "$OUT/all") COMPLETED, $(grep -c ' ABORTED$' "$OUT/all") ABORTED, $(grep -c ' FAULTED$' "$OUT/all") FAULTED, $(grep -c ' ERROR$' "$OUT/all") no answer), $(grep -c '^exit' "$OUT/all") process exits, $(grep -c '^error' "$OUT/all") failed setups"
audit=$(api "$G/fabric/audit")
echo "-- audit: $(echo "$audit" | jq -c '{clean, checked, findings: (.findings | length)}')"
echo "$audit" | jq -e '.clean == true' >/dev/null || { echo "$audit" | jq . >&2; echo "SOAK FAIL: audit not clean" >&2; exit 1; }
echo "soak: OK"
