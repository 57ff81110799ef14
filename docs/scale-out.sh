#!/usr/bin/env bash
# The scale-out figures of docs/PERFORMANCE.md in one command: the same workload on 1 vs 2 SMMUs and 1 vs 2
# device-service shards, each on a freshly started fabric (./fabric up with FABRIC_SMMUS and FABRIC_DEVICE_SHARDS).
# Prints a Markdown table; the raw workload reports are kept as JSON under $OUT.
#
#   docs/scale-out.sh                          # the four shapes, 20 s each
#   SHAPES="1x1 1x2" DURATION=30 docs/scale-out.sh
#
# Environment: SHAPES (SMMUSxSHARDS, "1x1 1x2 2x1 2x2"), DURATION (seconds, 20), BUFFER (bytes, 1 MiB),
# FAULT_MODE (cold), CONCURRENCY (4), OUT (a new temporary directory). The workload is a memcpy over the fabric's
# two SVA devices (PRI + ATS), one behind each SMMU on the two-SMMU topology, one on each shard with two shards.
# Stops any fabric this checkout started before it begins.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SHAPES="${SHAPES:-1x1 1x2 2x1 2x2}"
DURATION="${DURATION:-20}"
BUFFER="${BUFFER:-1048576}"
FAULT_MODE="${FAULT_MODE:-cold}"
CONCURRENCY="${CONCURRENCY:-4}"
OUT="${OUT:-$(mktemp -d /tmp/scale-out.XXXXXX)}"
API="http://127.0.0.1:${GATEWAY_PORT:-8080}/api/v1"
mkdir -p "$OUT"
command -v jq >/dev/null || { echo "needs jq" >&2; exit 1; }
trap './fabric down >/dev/null 2>&1 || true' EXIT
./fabric down >/dev/null 2>&1 || true

for shape in $SHAPES; do
  smmus=${shape%x*}; shards=${shape#*x}
  echo "== $smmus SMMU(s), $shards device-service shard(s)" >&2
  FABRIC_SMMUS=$smmus FABRIC_DEVICE_SHARDS=$shards ./fabric up >"$OUT/up-$shape.log" 2>&1 || { cat "$OUT/up-$shape.log" >&2; exit 1; }
  auth=(-H "Authorization: Bearer $(cat .fabric/demo-token)")
  devices=$(curl -fsS "${auth[@]}" "$API/devices" | jq -c '[.[] | select(.capabilities.pri and .capabilities.ats) | .id]')
  body="{\"devices\":$devices,\"processes\":2,\"bufferBytes\":$BUFFER,\"op\":\"memcpy\",\"mode\":\"sva\",\"faultMode\":\"$FAULT_MODE\",\"concurrency\":$CONCURRENCY,\"durationSeconds\":$DURATION}"
  id=$(curl -fsS "${auth[@]}" -H 'Content-Type: application/json' -d "$body" "$API/workloads" | jq -r .id)
  for _ in $(seq 1 $((DURATION * 10 + 1200))); do
    w=$(curl -fsS "${auth[@]}" "$API/workloads/$id")
    case "$(jq -r .status <<<"$w")" in QUEUED|RUNNING) sleep 0.5 ;; *) break ;; esac
  done
  echo "$w" > "$OUT/$shape.json"
  echo "   $(jq -c '{status, jobs: .report.jobs, errors: .report.errors.count}' <<<"$w") on $devices" >&2
  ./fabric down >/dev/null
done

echo "| SMMUs | device-service shards | jobs/s | MiB/s | job p50 (ms) | PRG p50 (ms) | per SMMU: page requests / commands / ATC_INV |"
echo "|---:|---:|---:|---:|---:|---:|---|"
base=""
for shape in $SHAPES; do
  f="$OUT/$shape.json"
  row=$(jq -r --arg s "${shape%x*}" --arg d "${shape#*x}" '.report as $r |
    "| \($s) | \($d) | \($r.jobsPerSecond) | \($r.bytesPerSecond / 1048576 | . * 10 | round / 10) | \(($r.jobLatencyMicros.p50 // 0) / 1000 | . * 10 | round / 10) | \(($r.prgRoundTripMicros.p50 // 0) / 1000 | . * 10 | round / 10) | \([($r.smmus // [])[] | "\(.smmu): \(.priqRequests) / \(.cmdqCommands) / \(.atcInvCommands)"] | join("; ")) |"' "$f")
  echo "$row"
done
echo
echo "Reports: $OUT" >&2
