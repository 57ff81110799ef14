package org.svafabric.api.bus;

import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;

/**
 * The memory bus as the other services reach it: mm-service's {@link MemoryBusApi} over HTTP. A
 * batch is one request, so callers that walk tables or move DMA data should batch (one round
 * trip per batch, not per descriptor). Failures arrive as the {@link ErrnoException} mm-service
 * raised (EFAULT for an access to a free frame, EINVAL for a range outside RAM).
 */
public class MemoryBusClient implements MemoryBus {
    private final MemoryBusApi mm;

    /** {@code mm}: mm-service's bus, as {@link ServiceClients#memoryBus()} gives it (credential, breaker). */
    public MemoryBusClient(MemoryBusApi mm) {
        this.mm = mm;
    }

    public static MemoryBusClient of(ServiceClients clients) {
        return new MemoryBusClient(clients.memoryBus());
    }

    @Override
    public byte[] read(long pa, int length) {
        return readBatch(List.of(new Range(pa, length))).get(0);
    }

    @Override
    public List<byte[]> readBatch(List<Range> ranges) {
        if (ranges.isEmpty()) {
            return List.of();
        }
        long expected = 0;
        for (Range r : ranges) {
            expected += r.length();
        }
        ResponseEntity<byte[]> answer = mm.read(BusWire.encodeReads(ranges));
        byte[] body = answer == null ? null : answer.getBody();
        if (body == null) {
            body = new byte[0];
        }
        if (body.length != expected) {
            throw new ErrnoException(Errno.EIO, "bus-short-read", "mm-service returned " + body.length + " bytes for a read of " + expected);
        }
        List<byte[]> out = new ArrayList<>(ranges.size());
        int at = 0;
        for (Range r : ranges) {
            byte[] part = new byte[r.length()];
            System.arraycopy(body, at, part, 0, r.length());
            at += r.length();
            out.add(part);
        }
        return out;
    }

    @Override
    public void write(long pa, byte[] data) {
        writeBatch(List.of(new Write(pa, data)));
    }

    @Override
    public void writeBatch(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        byte[] body = BusWire.encodeWrites(writes);
        mm.write(body);
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        MmViews.CasResult r = mm.cas(new MmRequests.Cas(Addr.of(pa), Word64.of(expected), Word64.of(update)));
        return r.found().value();
    }

    @Override
    public long allocKernelPages(String owner, int count) {
        MmViews.KernelPages r = mm.allocPages(new MmRequests.AllocPages(owner, count)).getBody();
        if (r == null || r.pa() == null) {
            throw new ErrnoException(Errno.EIO, "bus-bad-answer", "mm-service allocated pages without saying where");
        }
        return r.pa().value();
    }

    @Override
    public void freeKernelPages(String owner, long pa, int count) {
        mm.freePages(new MmRequests.FreePages(owner, Addr.of(pa), count));
    }
}
