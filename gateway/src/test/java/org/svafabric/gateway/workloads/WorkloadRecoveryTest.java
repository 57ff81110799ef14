package org.svafabric.gateway.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.svafabric.gateway.security.Caller;

import tools.jackson.databind.json.JsonMapper;

/** A gateway that stopped mid-workload tears down, when it starts again, what the workload persisted it held. */
class WorkloadRecoveryTest {
    private static final Caller USER = new Caller("t", 1000, Set.of());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void whatASetupHeldIsPersistedAsItGrowsAndUndoneInReverseAfterARestart() {
        FakeFabric fabric = new FakeFabric();
        AtomicReference<String> persisted = new AtomicReference<>();
        List<String> history = new ArrayList<>();
        Teardown snapshotOnly = new Teardown(held -> {
            persisted.set(JSON.writeValueAsString(held));
            history.add(persisted.get());
        });
        // a setup that got as far as a process and its bond when the gateway stopped
        long p1 = fabric.createProcess(USER, "a");
        snapshotOnly.push("exit", () -> { }, Teardown.Resource.process(p1));
        int pasid = fabric.bind(USER, "sva0", p1);
        snapshotOnly.push("unbind", () -> { }, Teardown.Resource.bond("sva0", pasid));
        assertThat(history).hasSize(2);
        assertThat(persisted.get()).contains("\"kind\":\"bond\"").contains("\"kind\":\"process\"");
        assertThat(persisted.get().indexOf("bond")).as("last created first").isLessThan(persisted.get().indexOf("process"));

        // the gateway "restarts": only the persisted list is left
        List<String> left = WorkloadRecovery.undo(fabric, 1000, persisted.get());
        assertThat(left).isEmpty();
        assertThat(fabric.bonds).isEmpty();
        assertThat(fabric.liveProcesses()).isZero();
    }

    @Test
    void aRunPersistsEmptyOnceTornDownAndWhatCannotBeUndoneIsReported() {
        FakeFabric fabric = new FakeFabric();
        AtomicReference<List<Teardown.Resource>> last = new AtomicReference<>();
        WorkloadPlan plan = new WorkloadValidator(WorkloadLimits.defaults(), fabric)
                .check(new WorkloadRequest(List.of("classic"), 1, 4096L, "memset", "pinned", "warm", 1, null, 2, null, null));
        WorkloadRun.Outcome o = new WorkloadRun("r", plan, USER, fabric, new WorkloadStats(), last::set).run();
        assertThat(o.end()).isEqualTo(WorkloadRun.End.COMPLETED);
        assertThat(last.get()).as("nothing held after teardown").isEmpty();

        List<String> left = WorkloadRecovery.undo(fabric, 1000, "[{\"kind\":\"process\",\"pid\":4242}]");
        assertThat(left).singleElement().asString().contains("exit process 4242").contains("ESRCH");
    }
}
