# The SVA and VFIO stories of the Postman collection (read by build_collection.py).
S = "2. SVA: init, bind, DMA with page faults, exit"
req(S, "Devices: two SVA PCIe devices, a stalling platform device", "GET", "/devices", tests=[
    status(200),
    'const d = pm.response.json();',
    'pm.test("0000:01:00.0 has PASID, PRI and ATS", () => { const x = d.find(v => v.id === "0000:01:00.0"); '
    'pm.expect(x.capabilities.pasidBits).to.be.above(0); pm.expect(x.capabilities.pri).to.be.true; pm.expect(x.capabilities.ats).to.be.true; });',
    'pm.test("smmute0 stalls", () => pm.expect(d.find(v => v.id === "smmute0").capabilities.stall).to.be.true);'])
req(S, "The fabric: SMMU features and why SVA is available", "GET", "/fabric", tests=[
    status(200), 'pm.test("SVA available", () => pm.expect(pm.response.json().smmu.sva.available).to.be.true);'])
req(S, "A process to share with the device", "POST", "/processes", {"name": "sva-postman", "uid": 1000}, tests=[
    status(201), 'pm.collectionVariables.set("svaPid", pm.response.json().pid);'])
req(S, "Source buffer (1 MiB)", "POST", "/processes/{{svaPid}}/mmap", {"length": 1048576, "prot": "rw"}, tests=[
    status(201), 'pm.collectionVariables.set("src", pm.response.json().addr);'])
req(S, "Destination buffer (1 MiB), never touched by the CPU", "POST", "/processes/{{svaPid}}/mmap", {"length": 1048576, "prot": "rw"}, tests=[
    status(201), 'pm.collectionVariables.set("dst", pm.response.json().addr);'])
req(S, "The CPU writes the source", "PUT", "/processes/{{svaPid}}/memory?addr={{src}}", "shared virtual addressing works",
    content_type="application/octet-stream", tests=[status(204)])
req(S, "iommu_sva_device_init(IOPF)", "POST", "/devices/0000:01:00.0/sva", {"features": ["IOPF"], "maxPasid": 0}, tests=[
    'pm.test("initialised (or already)", () => pm.expect([200, 409]).to.include(pm.response.code));'])
req(S, "iommu_register_mm_exit_handler", "PUT", "/devices/0000:01:00.0/sva/mm-exit-handler", {"policy": "stop-dma"}, tests=[status(204)])
req(S, "iommu_sva_bind_device -> PASID", "POST", "/devices/0000:01:00.0/sva/bonds", '{"pid":{{svaPid}}}', tests=[
    status(201), 'const b = pm.response.json(); pm.collectionVariables.set("pasid", b.pasid);',
    'pm.test("a PASID >= 1", () => pm.expect(b.pasid).to.be.at.least(1));'])
req(S, "Binding again returns the same PASID (refcount)", "POST", "/devices/0000:01:00.0/sva/bonds", '{"pid":{{svaPid}}}', tests=[
    status(201), 'pm.test("same PASID", () => pm.expect(pm.response.json().pasid).to.eql(Number(pm.collectionVariables.get("pasid"))));'])
req(S, "iommu_sva_device_init on a second device", "POST", "/devices/0000:02:00.0/sva", {"features": ["IOPF"], "maxPasid": 0}, tests=[
    'pm.test("initialised (or already)", () => pm.expect([200, 409]).to.include(pm.response.code));'])
req(S, "The second device bound to the same process shares the PASID", "POST", "/devices/0000:02:00.0/sva/bonds", '{"pid":{{svaPid}}}', tests=[
    status(201), 'pm.test("same PASID", () => pm.expect(pm.response.json().pasid).to.eql(Number(pm.collectionVariables.get("pasid"))));'])
req(S, "iommu_sva_find(pasid)", "GET", "/sva/pasids/{{pasid}}", tests=[
    status(200), 'pm.test("the process", () => pm.expect(pm.response.json().pid).to.eql(Number(pm.collectionVariables.get("svaPid"))));'])
req(S, "DMA: memcpy 1 MiB into untouched memory (page requests)", "POST", "/devices/0000:01:00.0/jobs?wait=true",
    '{"op":"memcpy","pasid":{{pasid}},"src":"{{src}}","dst":"{{dst}}","length":1048576}', tests=[
    status(200), 'const j = pm.response.json();',
    'pm.test("completed", () => pm.expect(j.status).to.eql("COMPLETED"));',
    'pm.test("every destination page faulted", () => pm.expect(j.faults.pageRequests).to.be.at.least(256));',
    'pm.test("all bytes", () => pm.expect(j.bytes).to.eql(1048576));'])
req(S, "The CPU reads what the device wrote", "GET", "/processes/{{svaPid}}/memory?addr={{dst}}&length=31", tests=[
    status(200), 'pm.test("same bytes", () => pm.expect(pm.response.text()).to.eql("shared virtual addressing works"));'])
req(S, "The page requests are in the event log", "GET", "/events?type=PRI_REQUEST&pasid={{pasid}}&size=3", tests=[
    status(200), 'pm.test("events", () => pm.expect(pm.response.json().length).to.be.above(0));'])
req(S, "A job on an unmapped address faults", "POST", "/devices/0000:01:00.0/jobs?wait=true",
    '{"op":"memset","pasid":{{pasid}},"dst":"0x1000","length":4096,"value":1}', tests=[
    status(200), 'pm.test("faulted", () => pm.expect(pm.response.json().status).to.eql("FAULTED"));'])
req(S, "Unbind once (one reference left)", "DELETE", "/devices/0000:01:00.0/sva/bonds/{{pasid}}", tests=[status(204)])
req(S, "The process exits while still bound", "DELETE", "/processes/{{svaPid}}", tests=[status(202)])
req(S, "iommu_sva_find no longer finds the exiting mm", "GET", "/sva/pasids/{{pasid}}", tests=[status(404), errno("ESRCH")])
# The exit is asynchronous (202): poll until mm-service has run the MMU notifiers' release (bounded).
req(S, "Wait until the exit is complete", "GET", "/processes/{{svaPid}}", tests=[
    'const st = pm.response.code === 200 ? pm.response.json().state : "GONE";',
    'const n = Number(pm.collectionVariables.get("exitPolls") || 0);',
    'if (st !== "EXITED" && st !== "GONE" && n < 50) { pm.collectionVariables.set("exitPolls", n + 1); '
    'setTimeout(() => {}, 200); postman.setNextRequest(pm.info.requestName); }',
    'else { pm.collectionVariables.set("exitPolls", 0); '
    'pm.test("the exit is complete", () => pm.expect(["EXITED", "GONE"]).to.include(st)); }'])
# v1 lifetime: release detached every bond and freed the PASID at exit, whatever references were left.
req(S, "v1: the exit released the bond; the driver's unbind is ESRCH", "DELETE", "/devices/0000:01:00.0/sva/bonds/{{pasid}}",
    tests=[status(404), errno("ESRCH")])
req(S, "The second device's bond went with the exit too", "DELETE", "/devices/0000:02:00.0/sva/bonds/{{pasid}}",
    tests=[status(404), errno("ESRCH")])

V = "3. VFIO: container, MAP_DMA, classical DMA, BIND_PROCESS"
req(V, "The userspace driver's process", "POST", "/processes", {"name": "vfio-postman", "uid": 1000}, tests=[
    status(201), 'pm.collectionVariables.set("vPid", pm.response.json().pid);'])
req(V, "Its DMA buffer", "POST", "/processes/{{vPid}}/mmap", {"length": 65536, "prot": "rw"}, tests=[
    status(201), 'pm.collectionVariables.set("vBuf", pm.response.json().addr);'])
req(V, "IOMMU groups", "GET", "/vfio/groups", tests=[
    status(200), 'const g = pm.response.json();',
    'pm.collectionVariables.set("classicGroup", g.find(x => x.devices.includes("0000:03:00.0")).id);',
    'pm.collectionVariables.set("svaGroup", g.find(x => x.devices.includes("0000:02:00.0")).id);',
    'pm.test("a two-device group exists", () => pm.expect(g.some(x => x.devices.length === 2)).to.be.true);'])
req(V, "open /dev/vfio/vfio", "POST", "/vfio/containers", '{"pid":{{vPid}}}', tests=[
    status(201), 'pm.collectionVariables.set("c", pm.response.json().id);'])
req(V, "VFIO_GROUP_SET_CONTAINER", "PUT", "/vfio/containers/{{c}}/groups/{{classicGroup}}", tests=[status(204)])
req(V, "VFIO_SET_IOMMU TYPE1v2", "PUT", "/vfio/containers/{{c}}/iommu", {"type": "TYPE1v2"}, tests=[status(204)])
req(V, "VFIO_IOMMU_MAP_DMA", "POST", "/vfio/containers/{{c}}/dma-map",
    '{"vaddr":"{{vBuf}}","iova":"0x100000","size":65536,"flags":["READ","WRITE"]}', tests=[status(204)])
req(V, "The pages are pinned", "GET", "/processes/{{vPid}}", tests=[
    status(200), 'pm.test("16 pinned", () => pm.expect(pm.response.json().pinnedPages).to.eql(16));'])
req(V, "An overlapping map: EEXIST", "POST", "/vfio/containers/{{c}}/dma-map",
    '{"vaddr":"{{vBuf}}","iova":"0x104000","size":4096,"flags":["READ"]}', tests=[status(409), errno("EEXIST")])
req(V, "The device memsets the IOVA range", "POST", "/vfio/devices/0000:03:00.0/jobs?wait=true",
    {"op": "memset", "dst": "0x100000", "length": 65536, "value": 65}, tests=[
    status(200), 'pm.test("completed", () => pm.expect(pm.response.json().status).to.eql("COMPLETED"));'])
req(V, "The CPU sees the device's bytes", "GET", "/processes/{{vPid}}/memory?addr={{vBuf}}&length=4", tests=[
    status(200), 'pm.test("AAAA", () => pm.expect(pm.response.text()).to.eql("AAAA"));'])
req(V, "VFIO_IOMMU_UNMAP_DMA", "POST", "/vfio/containers/{{c}}/dma-unmap", {"iova": "0x100000", "size": 65536}, tests=[
    status(200), 'pm.test("64 KiB unmapped", () => pm.expect(pm.response.json().size).to.eql(65536));'])
req(V, "The same job now faults with the SMMU's event", "POST", "/vfio/devices/0000:03:00.0/jobs?wait=true",
    {"op": "memset", "dst": "0x100000", "length": 65536, "value": 65}, tests=[
    status(200), 'pm.test("faulted", () => pm.expect(pm.response.json().status).to.eql("FAULTED"));'])
req(V, "close", "DELETE", "/vfio/containers/{{c}}", tests=[status(204)])
req(V, "Nothing stays pinned", "GET", "/processes/{{vPid}}", tests=[
    status(200), 'pm.test("0 pinned", () => pm.expect(pm.response.json().pinnedPages).to.eql(0));'])
req(V, "A container for SVA", "POST", "/vfio/containers", '{"pid":{{vPid}}}', tests=[
    status(201), 'pm.collectionVariables.set("c2", pm.response.json().id);'])
req(V, "Its group", "PUT", "/vfio/containers/{{c2}}/groups/{{svaGroup}}", tests=[status(204)])
req(V, "Its IOMMU", "PUT", "/vfio/containers/{{c2}}/iommu", {"type": "TYPE1v2"}, tests=[status(204)])
req(V, "VFIO_IOMMU_BIND (BIND_PROCESS)", "POST", "/vfio/containers/{{c2}}/bind", {}, tests=[
    status(200), 'pm.collectionVariables.set("vPasid", pm.response.json().pasid);',
    'pm.test("a PASID", () => pm.expect(pm.response.json().pasid).to.be.at.least(1));'])
req(V, "BIND again: the same PASID", "POST", "/vfio/containers/{{c2}}/bind", {}, tests=[
    status(200), 'pm.test("same", () => pm.expect(pm.response.json().pasid).to.eql(Number(pm.collectionVariables.get("vPasid"))));'])
req(V, "VFIO_IOMMU_UNBIND", "POST", "/vfio/containers/{{c2}}/unbind", {}, tests=[status(204)])
req(V, "close", "DELETE", "/vfio/containers/{{c2}}", tests=[status(204)])
req(V, "The process exits", "DELETE", "/processes/{{vPid}}", tests=[status(202)])
