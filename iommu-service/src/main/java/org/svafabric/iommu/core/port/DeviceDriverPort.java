package org.svafabric.iommu.core.port;

/** What the IOMMU core needs from the device drivers (device-service). */
public interface DeviceDriverPort {

    /**
     * Calls the mm_exit handler the device's driver registered (iommu_register_mm_exit_handler): the mm bound
     * at {@code pasid} is going away, and when this returns the device issues no more transactions with that
     * PASID. {@code drvdata} is what the driver passed to bind. Returns the handler's int: 0, or non-zero for
     * a driver that could not stop its device (the core logs a possible PASID leak and carries on).
     */
    int mmExit(Device device, int pasid, String drvdata);

    /**
     * The bind's result, for a driver whose mm_exit handler stopped {@code pasid} on this device: the PASID names
     * a live address space there again, so the driver may take work tagged with it (it refuses such work from
     * mm_exit on, so that nothing of the dead process runs). In Linux the device driver is the caller of
     * iommu_sva_bind_device and learns this from its return value; here the bind comes from the gateway on the
     * process's behalf, so the core tells the driver through the handler channel it registered. Called before
     * the CD goes live; a failure fails the bind.
     */
    void pasidRebound(Device device, int pasid);

    /**
     * The fault handler the device's driver registered (iommu_register_device_fault_handler) gets an unrecoverable
     * fault of the device. Called off the fault path; nothing is answered.
     */
    void deviceFault(Device device, UnrecoverableFault fault);
}
