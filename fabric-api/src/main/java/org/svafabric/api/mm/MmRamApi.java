package org.svafabric.api.mm;

import org.springframework.web.service.annotation.GetExchange;

/** The state of physical memory: frames, watermarks, pins, swap, kernel pages by owner. */
public interface MmRamApi {

    @GetExchange("/mm/v1/ram")
    MmViews.Ram ram();
}
