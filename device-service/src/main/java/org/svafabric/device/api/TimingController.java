package org.svafabric.device.api;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.device.Devices;

/**
 * The timing table every job's model clock starts from (the defaults with the topology's {@code timing:}
 * section), so that whoever prices work outside a job (pinning, invalidations) uses the same prices.
 */
@RestController
public class TimingController {
    private final Devices devices;

    public TimingController(Devices devices) {
        this.devices = devices;
    }

    @GetMapping("/device/v1/timing")
    public Map<String, Object> timing() {
        TimingTable t = devices.timing();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iopfWorkers", t.iopfWorkers());
        out.put("costs", t.asMap());
        return out;
    }
}
