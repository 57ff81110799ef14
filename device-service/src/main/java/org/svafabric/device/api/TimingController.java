package org.svafabric.device.api;

import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DeviceTimingApi;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.device.Devices;

/**
 * The timing table every job's model clock starts from (the defaults with the topology's {@code timing:}
 * section), so that whoever prices work outside a job (pinning, invalidations) uses the same prices.
 */
@RestController
public class TimingController implements DeviceTimingApi {
    private final Devices devices;

    public TimingController(Devices devices) {
        this.devices = devices;
    }

    @Override
    public DeviceViews.Timing timing() {
        TimingTable t = devices.timing();
        return new DeviceViews.Timing(t.iopfWorkers(), t.asMap());
    }
}
