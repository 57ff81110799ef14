#!/usr/bin/env bash
# The SVA story, told with curl through the gateway, one step at a time. Each step prints what it
# does, the request, and the part of the answer that matters, and checks it.
# Run it with `./fabric demo` (or GATEWAY=... TOKEN=... docs/demo.sh against any fabric).
set -euo pipefail

G="${GATEWAY:-http://127.0.0.1:8080}/api/v1"
: "${TOKEN:?set TOKEN (./fabric up prints it)}"
AUTH="Authorization: Bearer $TOKEN"
DEV=0000:01:00.0          # a PCIe accelerator with PASID, PRI and ATS
STALL=smmute0             # a platform device that stalls on faults
CLASSIC=0000:03:00.0      # a PCIe device without PASID

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
fail() { printf '\033[31mDEMO FAILED: %s\033[0m\n' "$*" >&2; exit 1; }
# call METHOD PATH [JSON] -> prints the request, leaves the body in $BODY and the status in $CODE
call() {
  local method=$1 path=$2 data=${3:-}
  printf '  $ curl -X %s %s%s\n' "$method" "$path" "${data:+ -d '$data'}"
  local out
  if [ -n "$data" ]; then
    out=$(curl -s -w '\n%{http_code}' -X "$method" -H "$AUTH" -H 'Content-Type: application/json' -d "$data" "$G$path")
  else
    out=$(curl -s -w '\n%{http_code}' -X "$method" -H "$AUTH" "$G$path")
  fi
  CODE=${out##*$'\n'}
  BODY=${out%$'\n'*}
}
expect() { [ "$CODE" = "$1" ] || fail "expected HTTP $1, got $CODE: $BODY"; }
show() { printf '    -> %s\n' "$(echo "$BODY" | jq -c "$1")"; }

bold "1. A process, and two 4 MiB buffers from malloc (anonymous mmap); nothing is resident yet"
call POST /processes '{"name":"demo","uid":1000}'; expect 201; show '{pid,asid,state}'
PID=$(echo "$BODY" | jq -r .pid)
call POST "/processes/$PID/mmap" '{"length":4194304,"prot":"rw"}'; expect 201; show .
SRC=$(echo "$BODY" | jq -r .addr)
call POST "/processes/$PID/mmap" '{"length":4194304,"prot":"rw"}'; expect 201; show .
DST=$(echo "$BODY" | jq -r .addr)

bold "2. The CPU writes a message at the start of the source buffer (faulting that page in)"
printf '  $ curl -X PUT /processes/%s/memory?addr=%s --data-binary "Hello from the CPU, via SVA!"\n' "$PID" "$SRC"
CODE=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H "$AUTH" -H 'Content-Type: application/octet-stream' \
  --data-binary 'Hello from the CPU, via SVA!' "$G/processes/$PID/memory?addr=$SRC")
expect 204
call GET "/processes/$PID"; expect 200; show '{residentPages,swappedPages}'

bold "3. The device driver enables SVA on the device: iommu_sva_device_init(dev, IOPF, 0)"
call POST "/devices/$DEV/sva" '{"features":["IOPF"],"maxPasid":0}'
[ "$CODE" = 200 ] || [ "$CODE" = 409 ] || fail "init: $CODE $BODY"; show .
call PUT "/devices/$DEV/sva/mm-exit-handler" '{"policy":"stop-dma"}'; expect 204

bold "4. Bind the process: iommu_sva_bind_device -> a PASID; the SMMU now has a CD with TTB0 = the process pgd"
call POST "/devices/$DEV/sva/bonds" "{\"pid\":$PID}"; expect 201; show .
PASID=$(echo "$BODY" | jq -r .pasid)

bold "5. DMA: the device copies 1 MiB from SRC to DST. DST was never touched: every page faults through PRI"
call POST "/devices/$DEV/jobs?wait=true" "{\"op\":\"memcpy\",\"pasid\":$PASID,\"src\":\"$SRC\",\"dst\":\"$DST\",\"length\":1048576}"
expect 200; show '{status,bytes,faults,latencyMicros}'
[ "$(echo "$BODY" | jq -r .status)" = COMPLETED ] || fail "memcpy did not complete"

bold "6. The CPU reads what the device wrote"
MSG=$(curl -s -H "$AUTH" "$G/processes/$PID/memory?addr=$DST&length=28")
printf '    -> "%s"\n' "$MSG"
[ "$MSG" = "Hello from the CPU, via SVA!" ] || fail "the destination does not hold the message"

bold "7. What the fabric saw: page requests and their responses"
call GET "/events?pasid=$PASID&size=6"; expect 200
echo "$BODY" | jq -r '.[] | "    \(.time) \(.service) \(.type) \(.addr // "") \(.detail // "")"'

bold "8. The stalling platform device fills a buffer with rand48 (untouched pages stall, the IOPF handler resumes them)"
call POST "/devices/$STALL/sva" '{"features":["IOPF"],"maxPasid":0}'
[ "$CODE" = 200 ] || [ "$CODE" = 409 ] || fail "init: $CODE $BODY"
call POST "/devices/$STALL/sva/bonds" "{\"pid\":$PID}"; expect 201; show .
call POST "/processes/$PID/mmap" '{"length":65536,"prot":"rw"}'; expect 201
FRESH=$(echo "$BODY" | jq -r .addr)
call POST "/devices/$STALL/jobs?wait=true" "{\"op\":\"rand48\",\"pasid\":$PASID,\"dst\":\"$FRESH\",\"length\":65536,\"seed\":42}"
expect 200; show '{status,faults}'

bold "9. munmap the source: the IOTLB and the device's ATC drop it before munmap returns; the device now faults"
call POST "/processes/$PID/munmap" "{\"addr\":\"$SRC\",\"length\":4194304}"; expect 204
call POST "/devices/$DEV/jobs?wait=true" "{\"op\":\"memcpy\",\"pasid\":$PASID,\"src\":\"$SRC\",\"dst\":\"$DST\",\"length\":4096}"
expect 200; show '{status,faultAddr,error}'

bold "10. The process exits while bound: the device driver's mm_exit handler stops DMA on the PASID,"
bold "    then (v1) the exit detaches every bond and frees the PASID: a later unbind is ESRCH"
call DELETE "/processes/$PID"; expect 202
for _ in $(seq 50); do   # the exit is asynchronous: wait (bounded) until the notifiers' release is done
  [ "$(curl -s -H "$AUTH" "$G/processes/$PID" | jq -r '.state // "GONE"')" != EXITING ] && break; sleep 0.2
done
call GET "/events?type=MM_EXIT&pasid=$PASID"; expect 200; show '[.[] | {service,type,device,pasid}]'
call DELETE "/devices/$DEV/sva/bonds/$PASID"; expect 404; show '{errno,detail}'
call DELETE "/devices/$STALL/sva/bonds/$PASID"; expect 404; show '{errno,detail}'

bold "11. A userspace driver: VFIO container, classical MAP_DMA on $CLASSIC, then BIND_PROCESS on an SVA device"
call POST /processes '{"name":"userspace-driver","uid":1000}'; expect 201
UPID=$(echo "$BODY" | jq -r .pid)
call POST "/processes/$UPID/mmap" '{"length":65536,"prot":"rw"}'; expect 201
BUF=$(echo "$BODY" | jq -r .addr)
call POST /vfio/containers "{\"pid\":$UPID}"; expect 201; show .
C=$(echo "$BODY" | jq -r .id)
call GET /vfio/groups; expect 200
GROUP=$(echo "$BODY" | jq -r ".[] | select(.devices | index(\"$CLASSIC\")) | .id")
call PUT "/vfio/containers/$C/groups/$GROUP"; expect 204
call PUT "/vfio/containers/$C/iommu" '{"type":"TYPE1v2"}'; expect 204
call POST "/vfio/containers/$C/dma-map" "{\"vaddr\":\"$BUF\",\"iova\":\"0x100000\",\"size\":65536,\"flags\":[\"READ\",\"WRITE\"]}"; expect 204
call POST "/vfio/devices/$CLASSIC/jobs?wait=true" '{"op":"memset","dst":"0x100000","length":65536,"value":90}'; expect 200; show '{status}'
call DELETE "/vfio/containers/$C"; expect 204

call POST /vfio/containers "{\"pid\":$UPID}"; expect 201
C=$(echo "$BODY" | jq -r .id)
GROUP=$(curl -s -H "$AUTH" "$G/vfio/groups" | jq -r '.[] | select(.devices | index("0000:02:00.0")) | .id')
call PUT "/vfio/containers/$C/groups/$GROUP"; expect 204
call PUT "/vfio/containers/$C/iommu" '{"type":"TYPE1v2"}'; expect 204
call POST "/vfio/containers/$C/bind" '{}'; expect 200; show .
call DELETE "/vfio/containers/$C"; expect 204
call DELETE "/processes/$UPID"; expect 202

bold "Done: the SVA story ran end to end."
