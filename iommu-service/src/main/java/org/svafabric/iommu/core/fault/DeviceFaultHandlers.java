package org.svafabric.iommu.core.fault;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.core.port.UnrecoverableFault;

/**
 * iommu_register_device_fault_handler and the unrecoverable half of iommu_report_device_fault (the fault-report
 * API the v1 series builds on): one handler per device, which the device's driver registers to see the faults the
 * IOMMU could not resolve — transactions terminated with an event record. Recoverable faults (page requests,
 * stalls) keep going to the IOPF queue: the fabric's drivers register for their unrecoverable faults only, where
 * v1 sent every fault of a device with a handler to that handler (for VFIO to forward to a guest).
 *
 * <p>A report never blocks the caller, which is the event queue's interrupt thread: the handler runs in
 * device-service and is called on {@code executor}. Without a handler the fault is only logged, as before.
 */
public final class DeviceFaultHandlers {
    private static final Logger log = LoggerFactory.getLogger(DeviceFaultHandlers.class);

    private final DeviceDriverPort drivers;
    private final Executor executor;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    public DeviceFaultHandlers(DeviceDriverPort drivers, Executor executor) {
        this.drivers = drivers;
        this.executor = executor;
    }

    /** iommu_register_device_fault_handler: EBUSY when the device has one already (Linux: one per device). */
    public void register(Device device) {
        if (!registered.add(device.id())) {
            throw new ErrnoException(Errno.EBUSY, "fault-handler-exists", "device " + device.id() + " has a fault handler already");
        }
    }

    /** iommu_unregister_device_fault_handler: EINVAL when the device has none. */
    public void unregister(Device device) {
        if (!registered.remove(device.id())) {
            throw ErrnoException.invalid("device " + device.id() + " has no fault handler");
        }
    }

    public boolean registered(String deviceId) {
        return registered.contains(deviceId);
    }

    /** Drops every registration (the drivers that made them were reloaded). */
    public void clear() {
        registered.clear();
    }

    /** Reports {@code fault} to the device's handler, if it has one. Returns whether it went to one. */
    public boolean report(Device device, UnrecoverableFault fault) {
        if (!registered.contains(device.id())) {
            return false;
        }
        executor.execute(() -> {
            try {
                drivers.deviceFault(device, fault);
            } catch (RuntimeException e) {
                log.warn("fault handler of {} not reached for {} at 0x{}: {}", device.id(), fault.event(),
                        Long.toHexString(fault.addr()), e.toString());
            }
        });
        return true;
    }
}
