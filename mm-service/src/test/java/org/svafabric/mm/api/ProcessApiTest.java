package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.svafabric.api.testing.TestHttp.Response;

import tools.jackson.databind.JsonNode;

/** The internal API's happy paths, field names as the gateway expects them. */
class ProcessApiTest extends HttpTestBase {

    @Test
    void processLifecycleOverHttp() {
        Response created = post("/mm/v1/processes", "{\"name\":\"dma-app\",\"uid\":1000}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode p = created.json();
        long pid = p.path("pid").asLong();
        assertThat(p.path("name").asString()).isEqualTo("dma-app");
        assertThat(p.path("state").asString()).isEqualTo("RUNNING");
        assertThat(p.path("asid").asInt()).isPositive();
        assertThat(p.path("pgd").asString()).startsWith("0x");

        Response mmap = post("/mm/v1/processes/" + pid + "/mmap", "{\"length\":10000,\"prot\":\"rw\"}");
        assertThat(mmap.status()).isEqualTo(201);
        assertThat(mmap.json().path("length").asLong()).as("rounded up to pages").isEqualTo(12288);
        assertThat(mmap.json().path("prot").asString()).isEqualTo("rw");
        String addr = mmap.json().path("addr").asString();
        assertThat(addr).isEqualTo("0xfffff7ffd000");

        byte[] data = "hello, SVA".getBytes();
        assertThat(putBytes("/mm/v1/processes/" + pid + "/memory?addr=" + addr, data).status()).isEqualTo(204);
        Response read = get("/mm/v1/processes/" + pid + "/memory?addr=" + addr + "&length=" + data.length);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.contentType()).startsWith("application/octet-stream");
        assertThat(read.bytes()).isEqualTo(data);

        Response reclaim = post("/mm/v1/processes/" + pid + "/reclaim", "{\"addr\":\"" + addr + "\",\"length\":12288}");
        assertThat(reclaim.json().path("reclaimed").asLong()).isEqualTo(1);
        JsonNode detail = get("/mm/v1/processes/" + pid).json();
        assertThat(detail.path("swappedPages").asLong()).isEqualTo(1);
        assertThat(detail.path("residentPages").asLong()).isZero();
        assertThat(detail.path("vmas").get(0).path("start").asString()).isEqualTo(addr);
        assertThat(detail.path("vmas").get(0).path("length").asLong()).isEqualTo(12288);

        JsonNode faults = post("/mm/v1/processes/" + pid + "/fault", "{\"faults\":[{\"addr\":\"" + addr + "\",\"access\":\"write\"},"
                + "{\"addr\":\"0x1000\",\"access\":\"read\"}]}").json();
        assertThat(faults.path("results").get(0).path("ok").asBoolean()).isTrue();
        assertThat(faults.path("results").get(1).path("ok").asBoolean()).isFalse();
        assertThat(faults.path("results").get(1).path("errno").asString()).isEqualTo("EFAULT");
        assertThat(faults.path("results").get(0).path("kind").asString()).as("read back from swap").isEqualTo("swap-in");
        assertThat(faults.path("results").get(1).has("kind")).as("a refused fault took nothing").isFalse();
        assertThat(get("/mm/v1/processes/" + pid + "/memory?addr=" + addr + "&length=" + data.length).bytes())
                .as("swapped back in by the fault").isEqualTo(data);
        // The next page was never touched: a fresh zeroed frame; then the same page again: already present.
        String next = "0x" + Long.toHexString(Long.decode(addr) + 4096);
        JsonNode fresh = post("/mm/v1/processes/" + pid + "/fault", "{\"faults\":[{\"addr\":\"" + next + "\",\"access\":\"write\"},"
                + "{\"addr\":\"" + next + "\",\"access\":\"write\"}]}").json();
        assertThat(fresh.path("results").get(0).path("kind").asString()).isEqualTo("major");
        assertThat(fresh.path("results").get(1).path("kind").asString()).isEqualTo("minor");

        JsonNode pinned = post("/mm/v1/processes/" + pid + "/pin", "{\"addr\":\"" + addr + "\",\"length\":4096,\"write\":true}").json();
        assertThat(pinned.path("pages")).hasSize(1);
        assertThat(get("/mm/v1/ram").json().path("pinnedPages").asLong()).isPositive();
        assertThat(post("/mm/v1/processes/" + pid + "/unpin", "{\"addr\":\"" + addr + "\",\"length\":4096}").status()).isEqualTo(204);

        assertThat(post("/mm/v1/processes/" + pid + "/mprotect", "{\"addr\":\"" + addr + "\",\"length\":4096,\"prot\":\"r\"}").status()).isEqualTo(204);
        assertThat(putBytes("/mm/v1/processes/" + pid + "/memory?addr=" + addr, data).json().path("errno").asString()).isEqualTo("EFAULT");

        int asid = post("/mm/v1/processes/" + pid + "/asid/pin", "").json().path("asid").asInt();
        assertThat(asid).isEqualTo(p.path("asid").asInt());
        assertThat(post("/mm/v1/processes/" + pid + "/asid/unpin", "").status()).isEqualTo(204);

        assertThat(post("/mm/v1/processes/" + pid + "/munmap", "{\"addr\":\"" + addr + "\",\"length\":12288}").status()).isEqualTo(204);
        Response exit = delete("/mm/v1/processes/" + pid);
        assertThat(exit.status()).isEqualTo(202);
        assertThat(exit.json().path("state").asString()).isEqualTo("EXITED");
        assertThat(get("/mm/v1/processes/" + pid).json().path("state").asString()).isEqualTo("EXITED");

        JsonNode list = get("/mm/v1/processes?uid=1000&page=0&size=500").json();
        assertThat(list.path("total").asLong()).isPositive();
        assertThat(list.path("items").findValuesAsString("pid")).isNotNull();
    }

    @Test
    void memoryBusOverHttpWithTheClient() {
        org.svafabric.api.bus.MemoryBusClient bus = busClient();
        long pa = bus.allocKernelPages("iommu-test", 2);
        bus.writeBatch(java.util.List.of(new org.svafabric.api.bus.MemoryBus.Write(pa + 8, new byte[] {1, 2, 3}),
                new org.svafabric.api.bus.MemoryBus.Write(pa + 4096, new byte[] {9})));
        assertThat(bus.readBatch(java.util.List.of(new org.svafabric.api.bus.MemoryBus.Range(pa + 8, 3),
                new org.svafabric.api.bus.MemoryBus.Range(pa + 4096, 1)))).containsExactly(new byte[] {1, 2, 3}, new byte[] {9});
        bus.write64(pa + 16, 0x8000_0000_0000_0403L);
        assertThat(bus.compareAndSwap64(pa + 16, 0x8000_0000_0000_0403L, 0x8000_0000_0000_0003L)).isEqualTo(0x8000_0000_0000_0403L);
        assertThat(bus.read64(pa + 16)).isEqualTo(0x8000_0000_0000_0003L);
        assertThat(get("/mm/v1/ram").json().path("kernelPages").path("iommu-test").asLong()).isEqualTo(2);
        bus.freeKernelPages("iommu-test", pa, 2);
        Response after = post("/mm/v1/bus/cas", "{\"pa\":\"" + org.svafabric.api.json.Addr.hex(pa) + "\",\"expected\":\"0x0\",\"update\":\"0x1\"}");
        assertThat(after.status()).isEqualTo(400);
        assertThat(after.json().path("errno").asString()).as("a freed frame is off limits").isEqualTo("EFAULT");
    }
}
