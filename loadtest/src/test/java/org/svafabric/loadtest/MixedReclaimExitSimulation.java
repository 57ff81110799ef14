package org.svafabric.loadtest;

/**
 * The fault paths together: copiers whose buffers are swapped out before every copy (reclaim,
 * swap-in, invalidations under load), processes exiting while their DMA runs (mm_exit, stop-dma,
 * fault-queue flush), warm copies and bind churn beside them.
 */
public class MixedReclaimExitSimulation extends FabricSimulation {
    {
        int n = target.users();
        run(users(Scenarios.reclaimingCopier(target), n),
                users(Scenarios.exitDuringDma(target), Math.max(1, n / 2)),
                users(Scenarios.warmDmaStorm(target), Math.max(1, n / 4)),
                users(Scenarios.bindChurn(target), Math.max(1, n / 4)));
    }
}
