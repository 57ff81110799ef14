package org.svafabric.api.bus;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.mm.Word64;

/**
 * The memory bus as the other services reach it: mm-service over HTTP. A batch is one request, so callers that
 * walk tables or move DMA data should batch (one round trip per batch, not per descriptor). Failures arrive as
 * the {@link ErrnoException} mm-service raised (EFAULT for an access to a free frame, EINVAL for a range outside
 * RAM).
 *
 * <p>Reads and writes go straight to the pooled HTTP client ({@link ServiceClients#exchange}: same headers,
 * breaker and problem handling as every service call, without RestClient, a proxy or message converters): a
 * write's body is written from the caller's data as it goes out, a read's answer is read straight into the
 * caller's buffer ({@link #readInto}). Compare-and-swap and kernel pages are small JSON calls of
 * {@link MemoryBusApi}.
 */
public class MemoryBusClient implements MemoryBus {
    private final ServiceClients clients;
    private final MemoryBusApi mm;
    private final Duration readTimeout;

    public MemoryBusClient(ServiceClients clients) {
        this.clients = clients;
        this.mm = clients.memoryBus();
        this.readTimeout = clients.readTimeout();
    }

    public static MemoryBusClient of(ServiceClients clients) {
        return new MemoryBusClient(clients);
    }

    @Override
    public byte[] read(long pa, int length) {
        byte[] out = new byte[length];
        readInto(List.of(new Range(pa, length)), out, 0);
        return out;
    }

    @Override
    public List<byte[]> readBatch(List<Range> ranges) {
        if (ranges.isEmpty()) {
            return List.of();
        }
        byte[] all = new byte[(int) BusWire.dataLength(ranges)];
        readInto(ranges, all, 0);
        List<byte[]> out = new ArrayList<>(ranges.size());
        int at = 0;
        for (Range r : ranges) {
            byte[] part = new byte[r.length()];
            System.arraycopy(all, at, part, 0, r.length());
            at += r.length();
            out.add(part);
        }
        return out;
    }

    @Override
    public void readInto(List<Range> ranges, byte[] dst, int offset) {
        MemoryBus.checkSpan(ranges, dst, offset);
        if (ranges.isEmpty()) {
            return;
        }
        long expected = BusWire.dataLength(ranges);
        HttpEntity request = new ByteArrayEntity(BusWire.encodeReads(ranges), ContentType.APPLICATION_OCTET_STREAM);
        clients.exchange(RemoteService.MM, "POST", BusWire.READ_PATH, request, readTimeout, answer -> {
            receive(answer, dst, offset, (int) expected);
            return null;
        });
    }

    /** The answer's bytes, exactly {@code length} of them, into {@code dst}. */
    private static void receive(ClassicHttpResponse answer, byte[] dst, int offset, int length) throws IOException {
        HttpEntity body = answer.getEntity();
        long announced = body == null ? 0 : body.getContentLength();
        if (announced >= 0 && announced != length) {
            throw shortRead(announced, length);
        }
        if (body == null) {
            return;
        }
        try (InputStream in = body.getContent()) {
            int got = in.readNBytes(dst, offset, length);
            if (got != length || in.read() != -1) {
                throw shortRead(got, length);
            }
        }
    }

    private static ErrnoException shortRead(long got, long expected) {
        return new ErrnoException(Errno.EIO, "bus-short-read", "mm-service returned " + got + " bytes for a read of " + expected);
    }

    @Override
    public void write(long pa, byte[] data) {
        writeFrom(List.of(new Range(pa, data.length)), data, 0);
    }

    @Override
    public void writeBatch(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        long length = (long) writes.size() * BusWire.HEADER_BYTES;
        for (Write w : writes) {
            length += w.data().length;
        }
        send(new BusWriteEntity(length, out -> BusWire.writeWrites(out, writes)));
    }

    @Override
    public void writeFrom(List<Range> ranges, byte[] src, int offset) {
        MemoryBus.checkSpan(ranges, src, offset);
        if (ranges.isEmpty()) {
            return;
        }
        send(new BusWriteEntity(BusWire.writeRequestLength(ranges), out -> BusWire.writeWrites(out, ranges, src, offset)));
    }

    private void send(HttpEntity body) {
        clients.exchange(RemoteService.MM, "POST", BusWire.WRITE_PATH, body, readTimeout, answer -> null);
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
