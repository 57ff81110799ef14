package org.svafabric.mm.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.bus.MemoryBusApi;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;
import org.svafabric.mm.bus.PhysicalMemoryBus;

/**
 * The memory bus's small JSON calls: compare-and-swap and kernel pages. Its data path (reads and writes in the
 * binary framing of {@link org.svafabric.api.bus.BusWire}) is {@link BusServlet}, below Spring MVC.
 */
@RestController
public class BusController implements MemoryBusApi {
    private final PhysicalMemoryBus bus;

    public BusController(PhysicalMemoryBus bus) {
        this.bus = bus;
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
}
