package org.svafabric.iommu.driver;

/**
 * Where the driver reports what it saw and did for the event log: SMMU event records (F_*, C_* by name),
 * TLBI, ATC_INV, PRIQ_OVERFLOW, EVTQ_OVERFLOW, GERROR. Must not block (the queue threads call it).
 */
@FunctionalInterface
public interface DriverEvents {
    DriverEvents NONE = (type, device, sid, pasid, addr, detail) -> {
    };

    void emit(String type, String device, Integer sid, Integer pasid, Long addr, String detail);
}
