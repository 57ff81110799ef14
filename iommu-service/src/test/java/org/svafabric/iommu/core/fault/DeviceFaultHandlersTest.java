package org.svafabric.iommu.core.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.UnrecoverableFault;
import org.svafabric.iommu.core.testing.FakeDeviceDrivers;

/** iommu_register_device_fault_handler: one handler per device, which alone sees the device's unrecoverable faults. */
class DeviceFaultHandlersTest {
    private static final Device DEV = new Device("0000:01:00.0", 0x100, 20, true, true, false, true);
    private static final UnrecoverableFault FAULT = new UnrecoverableFault(UnrecoverableFault.Reason.PTE_FETCH,
            "F_TRANSLATION", 5, 0x1000, false, true, false, false);

    private final FakeDeviceDrivers drivers = new FakeDeviceDrivers();
    private final DeviceFaultHandlers handlers = new DeviceFaultHandlers(drivers, Runnable::run);

    @Test
    void withoutAHandlerAFaultGoesNowhere() {
        assertThat(handlers.report(DEV, FAULT)).isFalse();
        assertThat(drivers.calls).isEmpty();
    }

    @Test
    void theRegisteredHandlerSeesTheFaultAndASecondRegistrationIsEbusy() {
        handlers.register(DEV);
        assertThat(handlers.report(DEV, FAULT)).isTrue();
        assertThat(drivers.calls).containsExactly("fault 0000:01:00.0 PTE_FETCH F_TRANSLATION pasid 5 0x1000");
        assertThatThrownBy(() -> handlers.register(DEV))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBUSY));
        handlers.unregister(DEV);
        assertThat(handlers.report(DEV, FAULT)).isFalse();
        assertThatThrownBy(() -> handlers.unregister(DEV))
                .isInstanceOfSatisfying(ErrnoException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    }

    @Test
    void aHandlerThatCannotBeReachedDoesNotFailTheReport() {
        DeviceFaultHandlers down = new DeviceFaultHandlers(new org.svafabric.iommu.core.port.DeviceDriverPort() {
            @Override
            public int mmExit(Device device, int pasid, String drvdata) {
                throw new AssertionError("mmExit");
            }

            @Override
            public void pasidRebound(Device device, int pasid) {
                throw new AssertionError("pasidRebound");
            }

            @Override
            public void deviceFault(Device device, UnrecoverableFault fault) {
                throw new IllegalStateException("device-service down");
            }
        }, Runnable::run);
        down.register(DEV);
        assertThat(down.report(DEV, FAULT)).isTrue();
    }
}
