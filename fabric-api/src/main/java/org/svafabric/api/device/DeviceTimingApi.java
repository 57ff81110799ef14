package org.svafabric.api.device;

import org.springframework.web.service.annotation.GetExchange;

/** device-service's timing table in force, for whoever prices work outside a job (pinning, invalidations). */
public interface DeviceTimingApi {

    /** The defaults with the topology's {@code timing:} section. */
    @GetExchange("/device/v1/timing")
    DeviceViews.Timing timing();
}
