package org.svafabric.mm.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.testing.TestHttp.Response;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.reboot.IommuReboots;

import tools.jackson.databind.JsonNode;

/**
 * The SVA core's io_mm_alloc / io_mm_free in one call each: POST .../notifiers/pinned pins the ASID and registers
 * the notifier (both or neither), DELETE .../notifiers/pinned/{id} unregisters it and drops the pin; an
 * iommu-service reboot releases both, as it does for the separate calls.
 */
class PinnedNotifierTest extends HttpTestBase {
    @Autowired
    ProcessTable processes;
    @Autowired
    AsidAllocator asids;
    @Autowired
    IommuReboots reboots;
    @Autowired
    FabricProperties props;

    private long newProcess() {
        return post("/mm/v1/processes", "{\"name\":\"sva\",\"uid\":1000}").json().path("pid").asLong();
    }

    private Mm mm(long pid) {
        return processes.any(pid).mm();
    }

    private String callback(long pid) {
        return props.services().iommu() + "/iommu/v1/mm-notifier/" + pid;
    }

    @Test
    void pinsTheAsidAndSubscribesThenReleasesBoth() {
        long pid = newProcess();
        JsonNode process = get("/mm/v1/processes/" + pid).json();

        Response r = post("/mm/v1/processes/" + pid + "/notifiers/pinned", "{\"callbackUrl\":\"" + callback(pid) + "\",\"btm\":true}");

        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        JsonNode s = r.json();
        assertThat(s.path("asid").asInt()).isEqualTo(process.path("asid").asInt());
        assertThat(s.path("pgd").asString()).isEqualTo(process.path("pgd").asString());
        assertThat(asids.pinnedCount(mm(pid).context())).isEqualTo(1);
        assertThat(mm(pid).notifiers().subscriptions()).singleElement().satisfies(sub -> {
            assertThat(sub.id()).isEqualTo(s.path("id").asLong());
            assertThat(sub.callbackUrl()).isEqualTo(callback(pid));
            assertThat(sub.btm()).isTrue();
        });

        assertThat(delete("/mm/v1/processes/" + pid + "/notifiers/pinned/" + s.path("id").asLong()).status()).isEqualTo(204);

        assertThat(asids.pinnedCount(mm(pid).context())).isZero();
        assertThat(mm(pid).notifiers().subscriptions()).isEmpty();
    }

    @Test
    void aRefusedSubscriptionLeavesNoPin() {
        long pid = newProcess();

        Response r = post("/mm/v1/processes/" + pid + "/notifiers/pinned", "{\"callbackUrl\":\"ftp://127.0.0.1/x\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("errno").asString()).isEqualTo("EINVAL");
        assertThat(asids.pinnedCount(mm(pid).context())).isZero();
        assertThat(mm(pid).notifiers().subscriptions()).isEmpty();
    }

    @Test
    void anExitedProcessIsRefusedWithEsrchAndNothingIsPinned() {
        long pid = newProcess();
        assertThat(delete("/mm/v1/processes/" + pid).status()).isEqualTo(202);

        Response r = post("/mm/v1/processes/" + pid + "/notifiers/pinned", "{\"callbackUrl\":\"" + callback(pid) + "\"}");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("errno").asString()).isEqualTo("ESRCH");
        assertThat(asids.pinnedCount(mm(pid).context())).isZero();
    }

    @Test
    void aNotifierAlreadyGoneIsEnoentButThePinIsDropped() {
        long pid = newProcess();
        long id = post("/mm/v1/processes/" + pid + "/notifiers/pinned", "{\"callbackUrl\":\"" + callback(pid) + "\"}").json().path("id").asLong();
        assertThat(delete("/mm/v1/processes/" + pid + "/notifiers/" + id).status()).as("unsubscribed alone").isEqualTo(204);

        Response r = delete("/mm/v1/processes/" + pid + "/notifiers/pinned/" + id);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().path("errno").asString()).isEqualTo("ENOENT");
        assertThat(asids.pinnedCount(mm(pid).context())).isZero();
    }

    @Test
    void anIommuRebootReleasesTheNotifierAndThePin() {
        long pid = newProcess();
        assertThat(post("/mm/v1/processes/" + pid + "/notifiers/pinned", "{\"callbackUrl\":\"" + callback(pid) + "\"}").status()).isEqualTo(201);

        reboots.peerRebooted(new PeerReboot(BootId.IOMMU, "old", "new"));

        assertThat(asids.pinnedCount(mm(pid).context())).isZero();
        assertThat(mm(pid).notifiers().subscriptions()).isEmpty();
    }
}
