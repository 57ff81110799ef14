package org.svafabric.iommu.platform;

import java.util.concurrent.ExecutorService;

import org.svafabric.api.topology.SmmuDescription;
import org.svafabric.iommu.api.SmmuPorts;
import org.svafabric.iommu.core.iopf.IopfQueue;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.hw.SmmuAssembly;
import org.svafabric.iommu.hw.SmmuV3;

/**
 * One SMMU of the machine with the software that runs it: the model (its register file, caches and queues, with
 * its stream table, CD tables and queues in RAM), its own arm-smmu-v3 driver instance, the fault queue the core
 * gives it, and the ports its devices reach it through. A machine has one per SMMUv3 node of its firmware tables;
 * the IOMMU core above them is one ({@link SmmuUnits}).
 */
public record SmmuUnit(SmmuDescription description, SmmuV3 smmu, SmmuAssembly assembly, ArmSmmuV3 driver,
                       IopfQueue iopfQueue, SmmuPorts ports, ExecutorService commandQueueThread) implements AutoCloseable {

    public String name() {
        return description.name();
    }

    /** At shutdown: the fault queue's workers and the command queue's consumer stop. */
    @Override
    public void close() {
        iopfQueue.close();
        commandQueueThread.shutdownNow();
    }
}
