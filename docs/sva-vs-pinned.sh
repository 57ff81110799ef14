#!/usr/bin/env bash
# The SVA-vs-pinned table of docs/PERFORMANCE.md, in one command, over the workloads API of a
# running fabric (./fabric up). Prints the two tables as Markdown; the raw workload reports are
# kept as JSON under $OUT.
#
#   docs/sva-vs-pinned.sh                     # against ./fabric up on the default ports
#   GATEWAY=http://127.0.0.1:9140 docs/sva-vs-pinned.sh
#
# Environment: GATEWAY (http://127.0.0.1:${GATEWAY_PORT:-8080}), TOKEN (.fabric/demo-token),
# SVA_DEV (0000:01:00.0), PINNED_DEV (0000:03:00.0), SIZES (bytes, 64 KiB .. 64 MiB),
# OUT (a new temporary directory). Every workload is one process, one job in flight, memcpy;
# large sizes run few jobs so the whole table takes minutes, not hours.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GATEWAY="${GATEWAY:-http://127.0.0.1:${GATEWAY_PORT:-8080}}"
API="$GATEWAY/api/v1"
TOKEN="${TOKEN:-$(cat "$ROOT/.fabric/demo-token")}"
SVA_DEV="${SVA_DEV:-0000:01:00.0}"
PINNED_DEV="${PINNED_DEV:-0000:03:00.0}"
SIZES="${SIZES:-65536 262144 1048576 4194304 16777216 67108864}"
OUT="${OUT:-$(mktemp -d /tmp/sva-vs-pinned.XXXXXX)}"
mkdir -p "$OUT"
command -v jq >/dev/null || { echo "needs jq" >&2; exit 1; }

auth=(-H "Authorization: Bearer $TOKEN")

jobs_for() { # few jobs for large buffers
  if [ "$1" -le 1048576 ]; then echo 8; elif [ "$1" -le 4194304 ]; then echo 4; else echo 1; fi
}

# run NAME SIZE BODY: starts the workload, waits for it to end, keeps its JSON as $OUT/NAME-SIZE.json
run() {
  local name=$1 size=$2 body=$3 id status w
  id=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d "$body" "$API/workloads" | jq -r .id)
  for _ in $(seq 1 1800); do
    w=$(curl -fsS "${auth[@]}" "$API/workloads/$id")
    status=$(jq -r .status <<<"$w")
    case "$status" in QUEUED|RUNNING) sleep 0.5 ;; *) break ;; esac
  done
  echo "$w" > "$OUT/$name-$size.json"
  if [ "$status" != COMPLETED ] || [ "$(jq -r '.report.errors.count' <<<"$w")" != 0 ]; then
    echo "workload $name at $size bytes ended $status: $(jq -c '{failure, errors: .report.errors}' <<<"$w")" >&2
  fi
  echo "  $name $size: $status ($id)" >&2
}

for size in $SIZES; do
  n=$(jobs_for "$size")
  common="\"processes\":1,\"bufferBytes\":$size,\"op\":\"memcpy\",\"concurrency\":1"
  run sva-warm "$size" "{\"devices\":[\"$SVA_DEV\"],$common,\"mode\":\"sva\",\"faultMode\":\"warm\",\"jobs\":$n}"
  run sva-cold "$size" "{\"devices\":[\"$SVA_DEV\"],$common,\"mode\":\"sva\",\"faultMode\":\"cold\",\"jobs\":$n}"
  run sva-reclaim "$size" "{\"devices\":[\"$SVA_DEV\"],$common,\"mode\":\"sva\",\"faultMode\":\"reclaim\",\"durationSeconds\":3,\"reclaimEverySeconds\":1}"
  run pinned-warm "$size" "{\"devices\":[\"$PINNED_DEV\"],$common,\"mode\":\"pinned\",\"faultMode\":\"warm\",\"jobs\":$n}"
  run pinned-cold "$size" "{\"devices\":[\"$PINNED_DEV\"],$common,\"mode\":\"pinned\",\"faultMode\":\"cold\",\"jobs\":$n}"
done

human() { # bytes -> "64 KiB"
  awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%d MiB", b / 1048576; else printf "%d KiB", b / 1024 }'
}
# cell FILE JQ: one figure of one report, "n/a" when absent
cell() { jq -r "$2 // \"n/a\"" "$1" 2>/dev/null || echo n/a; }

CONFIGS="sva-warm sva-cold sva-reclaim pinned-warm pinned-cold"
echo "### Job latency, wall clock (p50 per job, ms; MiB/s of the timed part)"
echo
echo "| buffer | sva warm | sva cold | sva reclaim | pinned, mapped once | pinned, MAP_DMA + UNMAP_DMA per job |"
echo "|---|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  line="| $(human "$size")"
  for c in $CONFIGS; do
    f="$OUT/$c-$size.json"
    if [ "$c" = pinned-cold ]; then
      v=$(jq -r '.report | if .jobLatencyMicros then "\((.jobLatencyMicros.p50 + .pinning.mapUnmapMicros.p50) / 1000 | . * 100 | round / 100) (\(.pinning.mapUnmapMicros.p50 / 1000 | . * 100 | round / 100) pin+unpin); \(.bytesPerSecond / 1048576 | . * 10 | round / 10)" else "n/a" end' "$f")
    else
      v=$(jq -r '.report | if .jobLatencyMicros then "\(.jobLatencyMicros.p50 / 1000 | . * 100 | round / 100); \(.bytesPerSecond / 1048576 | . * 10 | round / 10)" else "n/a" end' "$f")
    fi
    line="$line | $v"
  done
  echo "$line |"
done
echo
echo "### Job latency, model time (p50 per job, us; model MiB/s; pinned per job: job + pin/unpin)"
echo
echo "| buffer | sva warm | sva cold | sva reclaim | pinned, mapped once | pinned, MAP_DMA + UNMAP_DMA per job |"
echo "|---|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  line="| $(human "$size")"
  for c in $CONFIGS; do
    f="$OUT/$c-$size.json"
    if [ "$c" = pinned-cold ]; then
      v=$(jq -r '.report | if .model and .pinning.modelNanosPerJob then "\((.model.jobLatencyNanos.p50 + .pinning.modelNanosPerJob) / 1000 | . * 10 | round / 10) (\(.pinning.modelNanosPerJob / 1000 | . * 10 | round / 10) pin+unpin)" else "n/a" end' "$f")
    else
      v=$(jq -r '.report | if .model then "\(.model.jobLatencyNanos.p50 / 1000 | . * 10 | round / 10); \(.model.bytesPerSecond / 1048576 | round)" else "n/a" end' "$f")
    fi
    line="$line | $v"
  done
  echo "$line |"
done
echo
echo "### Faults per job (page requests) and invalidations (TLBI + ATC_INV per workload)"
echo
echo "| buffer | sva warm | sva cold | sva reclaim | pinned, mapped once | pinned, per job |"
echo "|---|---:|---:|---:|---:|---:|"
for size in $SIZES; do
  line="| $(human "$size")"
  for c in $CONFIGS; do
    v=$(jq -r '.report | "\(.faultsPerJob.pageRequests); \((.invalidations.tlbi // 0) + (.invalidations.atcInv // 0))"' "$OUT/$c-$size.json")
    line="$line | $v"
  done
  echo "$line |"
done
echo
echo "(raw reports: $OUT)" >&2
