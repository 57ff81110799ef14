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
}
