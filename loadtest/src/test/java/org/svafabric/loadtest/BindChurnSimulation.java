package org.svafabric.loadtest;

/** iommu_sva_bind_device / find / unbind, over and over, on every device. */
public class BindChurnSimulation extends FabricSimulation {
    {
        run(users(Scenarios.bindChurn(target), target.users()));
    }
}
