package org.svafabric.loadtest;

/**
 * Every scenario at once with {@code users} each (CI runs it with one user for 20 s): a short run
 * that fails when any answer is wrong.
 */
public class SmokeSimulation extends FabricSimulation {
    {
        int n = target.users();
        run(users(Scenarios.bindChurn(target), n),
                users(Scenarios.warmDmaStorm(target), n),
                users(Scenarios.coldFaultStorm(target), n),
                users(Scenarios.reclaimingCopier(target), n),
                users(Scenarios.exitDuringDma(target), n));
    }
}
