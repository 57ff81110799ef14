package org.svafabric.iommu.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.DeviceDriverPort;
import org.svafabric.iommu.core.port.UnrecoverableFault;

/** Device drivers whose mm_exit handlers record their calls and return {@link #ret}. */
public final class FakeDeviceDrivers implements DeviceDriverPort {
    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public volatile int ret;
    /** Runs inside the handler, before it returns; a test blocks there to hold an exit in progress. */
    public volatile Runnable during = () -> {
    };

    @Override
    public int mmExit(Device device, int pasid, String drvdata) {
        calls.add("mm_exit " + device.id() + ":" + pasid + " " + drvdata);
        during.run();
        return ret;
    }

    @Override
    public void pasidRebound(Device device, int pasid) {
        calls.add("rebound " + device.id() + ":" + pasid);
    }

    @Override
    public void deviceFault(Device device, UnrecoverableFault fault) {
        calls.add("fault " + device.id() + " " + fault.reason() + " " + fault.event() + " pasid " + fault.pasid()
                + " 0x" + Long.toHexString(fault.addr()));
    }
}
