package org.svafabric.gateway.workloads;

import java.util.List;
import java.util.Set;

import org.svafabric.gateway.security.Caller;

import tools.jackson.databind.json.JsonMapper;

/**
 * Tears down what a workload still held when the gateway stopped without tearing it down, from
 * the resources it persisted (last created first): containers closed (UNMAP_DMA, unpin), bonds
 * unbound, processes exited, each as the workload's owner.
 */
final class WorkloadRecovery {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WorkloadRecovery() {
    }

    /** What could not be undone, and why; empty when everything was (or nothing was held). */
    static List<String> undo(WorkloadFabric fabric, long uid, String resources) {
        if (resources == null || resources.isBlank()) {
            return List.of();
        }
        Caller owner = new Caller("workload-recovery", uid, Set.of());
        Teardown t = new Teardown();
        Teardown.Resource[] held = JSON.readValue(resources, Teardown.Resource[].class);
        // Teardown runs the last step pushed first, and the list is already last created first.
        for (int i = held.length - 1; i >= 0; i--) {
            Teardown.Resource r = held[i];
            switch (r.kind()) {
                case "process" -> t.push("exit process " + r.pid(), () -> fabric.exitProcess(owner, r.pid()));
                case "bond" -> t.push("unbind PASID " + r.pasid() + " from " + r.device(), () -> fabric.unbind(owner, r.device(), r.pasid()));
                case "container" -> t.push("close VFIO container " + r.container(), () -> fabric.closeContainer(owner, r.container()));
                default -> t.push("unknown resource " + r.kind(), () -> {
                    throw new IllegalStateException("no teardown for a " + r.kind());
                });
            }
        }
        return t.run();
    }
}
