package org.svafabric.api.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;

/**
 * The binary form of the ATS link's two bodies ({@link IommuCalls.AtsTranslate} and
 * {@link IommuCalls.AtsTranslation}), media type {@value #MEDIA_TYPE}: on PCIe a Translation Request and its
 * Completion are binary TLPs, and JSON with hex-string addresses cost more CPU than the translation itself.
 * Written once here for both ends. Big-endian (network order):
 * <pre>
 *   request:    i32 sid, i32 pasid (-1: no PASID prefix), i32 n, n x page
 *     page:       u64 addr, u8 flags (bit0 write, bit1 exec, bit2 priv)
 *   response:   i32 n, n x completion, u8 smmu present (0 | 1), [5 x i32 steFetches, cdFetches, iotlbHits, walks, walkReads]
 *     completion: u64 addr, u8 status (see {@link #statusCode}), u8 flags (bit0 read, bit1 write, bit2 exec,
 *                 bit3 priv, bit4 pa present, bit5 size present), [u64 pa], [u64 size],
 *                 u16 event length (0xFFFF: no event), event UTF-8
 * </pre>
 * A body that is truncated, too long, or carries unknown flags or codes is refused with {@link Malformed}.
 */
public final class AtsLinkCodec {
    private AtsLinkCodec() {
    }

    public static final String MEDIA_TYPE = "application/vnd.svafabric.ats";

    private static final int PAGE_BYTES = 9;
    /** The smallest completion: addr, status, flags, event length. */
    private static final int MIN_COMPLETION_BYTES = 12;
    private static final int NO_PASID = -1;
    private static final int NO_EVENT = 0xFFFF;

    private static final int P_WRITE = 1;
    private static final int P_EXEC = 1 << 1;
    private static final int P_PRIV = 1 << 2;

    private static final int C_READ = 1;
    private static final int C_WRITE = 1 << 1;
    private static final int C_EXEC = 1 << 2;
    private static final int C_PRIV = 1 << 3;
    private static final int C_PA = 1 << 4;
    private static final int C_SIZE = 1 << 5;

    /** A body this codec cannot decode; the message says what is wrong, in the wire's terms. */
    public static final class Malformed extends IllegalArgumentException {
        public Malformed(String message) {
            super(message);
        }
    }

    /** The status's code on the wire: fixed here, not the enum's declaration order. */
    static int statusCode(AtsStatus s) {
        return switch (s) {
            case OK -> 0;
            case NO_TRANSLATION -> 1;
            case UNSUPPORTED_REQUEST -> 2;
            case COMPLETER_ABORT -> 3;
        };
    }

    static AtsStatus status(int code) {
        return switch (code) {
            case 0 -> AtsStatus.OK;
            case 1 -> AtsStatus.NO_TRANSLATION;
            case 2 -> AtsStatus.UNSUPPORTED_REQUEST;
            case 3 -> AtsStatus.COMPLETER_ABORT;
            default -> throw new Malformed("unknown ATS completion status code " + code);
        };
    }

    public static byte[] encode(IommuCalls.AtsTranslate t) {
        List<IommuCalls.AtsPage> pages = require(t.pages(), "pages");
        if (t.pasid() != null && t.pasid() < 0) {
            throw new IllegalArgumentException("pasid " + t.pasid() + " cannot be sent: -1 is the wire's 'no PASID'");
        }
        ByteBuffer b = ByteBuffer.allocate(12 + pages.size() * PAGE_BYTES).order(ByteOrder.BIG_ENDIAN);
        b.putInt(t.sid()).putInt(t.pasid() == null ? NO_PASID : t.pasid()).putInt(pages.size());
        for (IommuCalls.AtsPage p : pages) {
            require(p, "page");
            b.putLong(require(p.addr(), "page addr").value());
            b.put((byte) ((p.write() ? P_WRITE : 0) | (p.exec() ? P_EXEC : 0) | (p.priv() ? P_PRIV : 0)));
        }
        return b.array();
    }

    public static IommuCalls.AtsTranslate decodeTranslate(byte[] body) {
        Reader r = new Reader(body, "ATS translation request");
        int sid = r.i32("sid");
        int pasid = r.i32("pasid");
        int n = r.i32("page count");
        if (n < 0 || (long) n * PAGE_BYTES != r.remaining()) {
            throw new Malformed("ATS translation request " + (n >= 0 && (long) n * PAGE_BYTES > r.remaining() ? "is truncated: it"
                    : "is malformed: it") + " announces " + n + " pages of " + PAGE_BYTES + " bytes but carries " + r.remaining()
                    + " bytes after its header");
        }
        List<IommuCalls.AtsPage> pages = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Addr addr = r.addr("page " + k + " addr");
            int flags = r.u8("page " + k + " flags");
            if ((flags & ~(P_WRITE | P_EXEC | P_PRIV)) != 0) {
                throw new Malformed("page " + k + " has unknown flag bits 0x" + Integer.toHexString(flags));
            }
            pages.add(new IommuCalls.AtsPage(addr, (flags & P_WRITE) != 0, (flags & P_EXEC) != 0, (flags & P_PRIV) != 0));
        }
        return new IommuCalls.AtsTranslate(sid, pasid == NO_PASID ? null : pasid, pages);
    }

    public static byte[] encode(IommuCalls.AtsTranslation t) {
        List<AtsCompletion> results = require(t.results(), "results");
        List<byte[]> events = new ArrayList<>(results.size());
        int size = 4 + 1 + (t.smmu() == null ? 0 : 20);
        for (AtsCompletion c : results) {
            require(c, "completion");
            byte[] event = c.event() == null ? null : c.event().getBytes(StandardCharsets.UTF_8);
            if (event != null && event.length >= NO_EVENT) {
                throw new IllegalArgumentException("event of " + event.length + " bytes is too long for the ATS link");
            }
            events.add(event);
            size += MIN_COMPLETION_BYTES + (c.pa() == null ? 0 : 8) + (c.size() == null ? 0 : 8) + (event == null ? 0 : event.length);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.BIG_ENDIAN);
        b.putInt(results.size());
        for (int k = 0; k < results.size(); k++) {
            AtsCompletion c = results.get(k);
            b.putLong(require(c.addr(), "completion addr").value());
            b.put((byte) statusCode(require(c.status(), "completion status")));
            b.put((byte) ((c.read() ? C_READ : 0) | (c.write() ? C_WRITE : 0) | (c.exec() ? C_EXEC : 0) | (c.priv() ? C_PRIV : 0)
                    | (c.pa() != null ? C_PA : 0) | (c.size() != null ? C_SIZE : 0)));
            if (c.pa() != null) {
                b.putLong(c.pa().value());
            }
            if (c.size() != null) {
                b.putLong(c.size());
            }
            byte[] event = events.get(k);
            b.putShort((short) (event == null ? NO_EVENT : event.length));
            if (event != null) {
                b.put(event);
            }
        }
        DmaEvent.SmmuWork w = t.smmu();
        b.put((byte) (w == null ? 0 : 1));
        if (w != null) {
            b.putInt(w.steFetches()).putInt(w.cdFetches()).putInt(w.iotlbHits()).putInt(w.walks()).putInt(w.walkReads());
        }
        return b.array();
    }

    public static IommuCalls.AtsTranslation decodeTranslation(byte[] body) {
        Reader r = new Reader(body, "ATS translation completion");
        int n = r.i32("completion count");
        if (n < 0 || (long) n * MIN_COMPLETION_BYTES > r.remaining()) {
            throw new Malformed("ATS translation completion " + (n >= 0 ? "is truncated: it" : "is malformed: it") + " announces "
                    + n + " completions but carries only " + r.remaining() + " bytes after its count");
        }
        List<AtsCompletion> results = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            String at = "completion " + k;
            Addr addr = r.addr(at + " addr");
            AtsStatus status = status(r.u8(at + " status"));
            int flags = r.u8(at + " flags");
            if ((flags & ~(C_READ | C_WRITE | C_EXEC | C_PRIV | C_PA | C_SIZE)) != 0) {
                throw new Malformed(at + " has unknown flag bits 0x" + Integer.toHexString(flags));
            }
            Addr pa = (flags & C_PA) != 0 ? r.addr(at + " pa") : null;
            Long size = (flags & C_SIZE) != 0 ? r.i64(at + " size") : null;
            int eventLength = r.u16(at + " event length");
            String event = eventLength == NO_EVENT ? null : new String(r.bytes(eventLength, at + " event"), StandardCharsets.UTF_8);
            results.add(new AtsCompletion(addr, status, pa, size, (flags & C_READ) != 0, (flags & C_WRITE) != 0,
                    (flags & C_EXEC) != 0, (flags & C_PRIV) != 0, event));
        }
        int hasWork = r.u8("smmu presence");
        DmaEvent.SmmuWork work = switch (hasWork) {
            case 0 -> null;
            case 1 -> new DmaEvent.SmmuWork(r.i32("steFetches"), r.i32("cdFetches"), r.i32("iotlbHits"), r.i32("walks"),
                    r.i32("walkReads"));
            default -> throw new Malformed("smmu presence byte must be 0 or 1, got " + hasWork);
        };
        if (r.remaining() != 0) {
            throw new Malformed("ATS translation completion has " + r.remaining() + " bytes after its end");
        }
        return new IommuCalls.AtsTranslation(results, work);
    }

    private static <T> T require(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("the ATS link cannot carry a missing " + what);
        }
        return value;
    }

    /** Reads fields in order, refusing a body that ends before the field named. */
    private static final class Reader {
        private final ByteBuffer b;
        private final String body;

        Reader(byte[] bytes, String body) {
            this.b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
            this.body = body;
        }

        int remaining() {
            return b.remaining();
        }

        private void need(int n, String field) {
            if (b.remaining() < n) {
                throw new Malformed(body + " is truncated: it ends in " + field + " (" + b.remaining() + " of " + n
                        + " bytes left)");
            }
        }

        int u8(String field) {
            need(1, field);
            return b.get() & 0xFF;
        }

        int u16(String field) {
            need(2, field);
            return b.getShort() & 0xFFFF;
        }

        int i32(String field) {
            need(4, field);
            return b.getInt();
        }

        long i64(String field) {
            need(8, field);
            return b.getLong();
        }

        Addr addr(String field) {
            long v = i64(field);
            if (v < 0) {
                throw new Malformed(field + " 0x" + Long.toHexString(v) + " is out of range (above 2^63-1)");
            }
            return Addr.of(v);
        }

        byte[] bytes(int n, String field) {
            need(n, field);
            byte[] out = new byte[n];
            b.get(out);
            return out;
        }
    }
}
