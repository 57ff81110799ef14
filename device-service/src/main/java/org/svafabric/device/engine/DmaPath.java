package org.svafabric.device.engine;

/**
 * How a device's engine reaches memory at virtual addresses (with the job's PASID) or IOVAs:
 * through its ATC, ATS and PRI (a PCIe function with ATS), or as untranslated transactions the
 * SMMU translates. Both methods either complete the whole range or throw {@link DmaFault};
 * they count the faults they take in the job's {@link FaultCounters}.
 */
public interface DmaPath {

    byte[] read(Job job, long addr, int length);

    void write(Job job, long addr, byte[] data);
}
