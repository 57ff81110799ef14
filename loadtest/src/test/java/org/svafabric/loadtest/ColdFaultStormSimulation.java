package org.svafabric.loadtest;

/** memcpy into destinations nobody touched: every page faults through PRI or stall; read back and unmapped. */
public class ColdFaultStormSimulation extends FabricSimulation {
    {
        run(users(Scenarios.coldFaultStorm(target), target.users()));
    }
}
