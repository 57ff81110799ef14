package org.svafabric.api.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;

/**
 * The memory bus as the other services reach it: mm-service's {@code /mm/v1/bus} over HTTP. A
 * batch is one request, so callers that walk tables or move DMA data should batch (one round
 * trip per batch, not per descriptor). Failures arrive as the {@link ErrnoException} mm-service
 * raised (EFAULT for an access to a free frame, EINVAL for a range outside RAM).
 */
public class MemoryBusClient implements MemoryBus {
    static final String READ = "/mm/v1/bus/read";
    static final String WRITE = "/mm/v1/bus/write";
    static final String CAS = "/mm/v1/bus/cas";
    static final String PAGES = "/mm/v1/bus/pages";
    static final String PAGES_FREE = "/mm/v1/bus/pages/free";

    private final RestClient mm;

    /** {@code mm}: a client of mm-service carrying the service credential (see {@link ServiceClients#mm()}). */
    public MemoryBusClient(RestClient mm) {
        this.mm = mm;
    }

    public static MemoryBusClient of(ServiceClients clients) {
        return new MemoryBusClient(clients.mm());
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
        byte[] body = call(() -> mm.post().uri(READ)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).accept(MediaType.APPLICATION_OCTET_STREAM)
                .body(BusWire.encodeReads(ranges)).retrieve().body(byte[].class));
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
        call(() -> mm.post().uri(WRITE).contentType(MediaType.APPLICATION_OCTET_STREAM).body(body)
                .retrieve().toBodilessEntity());
    }

    @Override
    public long compareAndSwap64(long pa, long expected, long update) {
        MmViews.CasResult r = call(() -> mm.post().uri(CAS).contentType(MediaType.APPLICATION_JSON)
                .body(new MmRequests.Cas(Addr.of(pa), Word64.of(expected), Word64.of(update)))
                .retrieve().body(MmViews.CasResult.class));
        return r.found().value();
    }

    @Override
    public long allocKernelPages(String owner, int count) {
        MmViews.KernelPages r = call(() -> mm.post().uri(PAGES).contentType(MediaType.APPLICATION_JSON)
                .body(new MmRequests.AllocPages(owner, count)).retrieve().body(MmViews.KernelPages.class));
        return r.pa().value();
    }

    @Override
    public void freeKernelPages(String owner, long pa, int count) {
        call(() -> mm.post().uri(PAGES_FREE).contentType(MediaType.APPLICATION_JSON)
                .body(new MmRequests.FreePages(owner, Addr.of(pa), count)).retrieve().toBodilessEntity());
    }

    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw ServiceClients.translate(e);
        }
    }
}
