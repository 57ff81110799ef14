package org.svafabric.loadtest;

import java.time.Duration;

/**
 * Every scenario at once with {@code users} each (CI runs it with one user for 20 s): a short run
 * that fails when any answer is wrong. The exiting processes start a few seconds after the others:
 * on a fabric just started (cold JIT) an exit during DMA can take longer than the MMU notifier's
 * release timeout ({@code mm.notifier.timeout}, 5 s) and answer 504 (seen here once in two cold runs
 * on a loaded machine); MixedReclaimExitSimulation starts them at once.
 */
public class SmokeSimulation extends FabricSimulation {
    private static final Duration WARM_UP = Duration.ofSeconds(5);

    {
        int n = target.users();
        run(users(Scenarios.bindChurn(target), n),
                users(Scenarios.warmDmaStorm(target), n),
                users(Scenarios.coldFaultStorm(target), n),
                users(Scenarios.reclaimingCopier(target), n),
                usersAfter(WARM_UP, Scenarios.exitDuringDma(target), n));
    }
}
