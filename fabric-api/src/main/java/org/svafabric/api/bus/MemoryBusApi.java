package org.svafabric.api.bus;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.PostExchange;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;

/**
 * mm-service's memory bus: physical RAM for the SMMU model and the DMA engines. Reads and writes are binary
 * in the framing of {@link BusWire} (no JSON on the data path); compare-and-swap and kernel page allocation
 * are small JSON calls.
 */
public interface MemoryBusApi {

    /** A batch of reads ({@link BusWire#encodeReads}); the answer is the ranges' bytes, concatenated. */
    @PostExchange(url = "/mm/v1/bus/read", contentType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
            accept = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> read(@RequestBody byte[] ranges);

    /** A batch of writes ({@link BusWire#encodeWrites}); 204. */
    @PostExchange(url = "/mm/v1/bus/write", contentType = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> write(@RequestBody byte[] writes);

    /** Atomic 64-bit compare-and-swap (HTTU's Access/Dirty flag updates); answers the value found. */
    @PostExchange("/mm/v1/bus/cas")
    MmViews.CasResult cas(@RequestBody MmRequests.Cas body);

    /** 201: contiguous zeroed kernel pages for {@code owner}. */
    @PostExchange("/mm/v1/bus/pages")
    ResponseEntity<MmViews.KernelPages> allocPages(@RequestBody MmRequests.AllocPages body);

    @PostExchange("/mm/v1/bus/pages/free")
    ResponseEntity<Void> freePages(@RequestBody MmRequests.FreePages body);
}
