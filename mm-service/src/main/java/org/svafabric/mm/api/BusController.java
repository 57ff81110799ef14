package org.svafabric.mm.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.bus.BusWire;
import org.svafabric.api.bus.MemoryBusApi;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;
import org.svafabric.mm.bus.PhysicalMemoryBus;

/** The memory bus: physical RAM for the SMMU model and DMA engines, in the binary framing of {@link BusWire}. */
@RestController
public class BusController implements MemoryBusApi {
    private final PhysicalMemoryBus bus;
    private final long maxBody;

    public BusController(PhysicalMemoryBus bus, org.svafabric.mm.process.Machine machine) {
        this.bus = bus;
        // Data plus one header per 4 KiB page is the most a sensible batch carries.
        this.maxBody = machine.maxAccessBytes() + (machine.maxAccessBytes() / 4096 + 1) * BusWire.HEADER_BYTES;
    }

    @Override
    public ResponseEntity<byte[]> read(byte[] body) {
        byte[] req = Args.bounded(body, maxBody);
        byte[] out = bus.readConcatenated(decode(() -> BusWire.decodeReads(req)));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(out);
    }

    @Override
    public ResponseEntity<Void> write(byte[] body) {
        byte[] req = Args.bounded(body, maxBody);
        bus.writeSegments(req, decode(() -> BusWire.decodeWrites(req)));
        return ResponseEntity.noContent().build();
    }

    @Override
    public MmViews.CasResult cas(MmRequests.Cas body) {
        long pa = Args.addr("pa", body.pa());
        long found = bus.compareAndSwap64(pa, Args.required("expected", body.expected()).value(), Args.required("update", body.update()).value());
        return new MmViews.CasResult(Word64.of(found));
    }

    @Override
    public ResponseEntity<MmViews.KernelPages> allocPages(MmRequests.AllocPages body) {
        long pa = bus.allocKernelPages(body.owner(), Args.required("count", body.count()));
        return ResponseEntity.status(HttpStatus.CREATED).body(new MmViews.KernelPages(Addr.of(pa)));
    }

    @Override
    public ResponseEntity<Void> freePages(MmRequests.FreePages body) {
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
