package org.svafabric.api.bus;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.PostExchange;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;

/**
 * mm-service's memory bus, its small JSON calls: compare-and-swap and kernel page allocation. The data path, POST
 * {@link BusWire#READ_PATH} and {@link BusWire#WRITE_PATH} in the binary framing of {@link BusWire}, is not an
 * HTTP interface: mm-service serves it below Spring MVC and {@link MemoryBusClient} calls it on the pooled client,
 * each streaming the bytes (docs/PERFORMANCE.md, issue 10).
 */
public interface MemoryBusApi {

    /** Atomic 64-bit compare-and-swap (HTTU's Access/Dirty flag updates); answers the value found. */
    @PostExchange("/mm/v1/bus/cas")
    MmViews.CasResult cas(@RequestBody MmRequests.Cas body);

    /** 201: contiguous zeroed kernel pages for {@code owner}. */
    @PostExchange("/mm/v1/bus/pages")
    ResponseEntity<MmViews.KernelPages> allocPages(@RequestBody MmRequests.AllocPages body);

    @PostExchange("/mm/v1/bus/pages/free")
    ResponseEntity<Void> freePages(@RequestBody MmRequests.FreePages body);
}
