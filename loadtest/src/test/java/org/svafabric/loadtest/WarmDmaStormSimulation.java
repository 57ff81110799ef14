package org.svafabric.loadtest;

/** memcpy between resident buffers (no page faults), each copy read back and compared. */
public class WarmDmaStormSimulation extends FabricSimulation {
    {
        run(users(Scenarios.warmDmaStorm(target), target.users()));
    }
}
