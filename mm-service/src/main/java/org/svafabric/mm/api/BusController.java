package org.svafabric.mm.api;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;
import org.svafabric.mm.bus.PhysicalMemoryBus;

/** The memory bus: physical RAM for the SMMU model and DMA engines, in the binary framing of {@link BusWire}. */
@RestController
@RequestMapping("/mm/v1/bus")
public class BusController {
    private final PhysicalMemoryBus bus;
    private final long maxBody;

    public BusController(PhysicalMemoryBus bus, org.svafabric.mm.process.Machine machine) {
        this.bus = bus;
        // Data plus one header per 4 KiB page is the most a sensible batch carries.
        this.maxBody = machine.maxAccessBytes() + (machine.maxAccessBytes() / 4096 + 1) * BusWire.HEADER_BYTES;
    }

    @PostMapping(path = "/read", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<byte[]> read(InputStream body) throws IOException {
        byte[] req = Args.body(body, maxBody);
        byte[] out = bus.readConcatenated(decode(() -> BusWire.decodeReads(req)));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(out);
    }

    @PostMapping(path = "/write", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public ResponseEntity<Void> write(InputStream body) throws IOException {
        byte[] req = Args.body(body, maxBody);
        bus.writeSegments(req, decode(() -> BusWire.decodeWrites(req)));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/cas")
    public MmViews.CasResult cas(@RequestBody MmRequests.Cas body) {
        long pa = Args.addr("pa", body.pa());
        long found = bus.compareAndSwap64(pa, Args.required("expected", body.expected()).value(), Args.required("update", body.update()).value());
        return new MmViews.CasResult(Word64.of(found));
    }

    @PostMapping("/pages")
    public ResponseEntity<MmViews.KernelPages> alloc(@RequestBody MmRequests.AllocPages body) {
        long pa = bus.allocKernelPages(body.owner(), Args.required("count", body.count()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new MmViews.KernelPages(Addr.of(pa)));
    }

    @PostMapping("/pages/free")
    public ResponseEntity<Void> free(@RequestBody MmRequests.FreePages body) {
        bus.freeKernelPages(body.owner(), Args.addr("pa", body.pa()), Args.required("count", body.count()));
        return ResponseEntity.noContent().build();
    }

    private interface Decoder<T> {
        T decode();
    }

    private static <T> T decode(Decoder<T> d) {
        try {
            return d.decode();
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid(e.getMessage());
        }
    }
}
