package org.svafabric.mm.api;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;

/** Checks of request fields that JSON binding cannot express: presence and ranges. Every failure is EINVAL. */
final class Args {
    private Args() {
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw ErrnoException.invalid(field + " is required");
        }
        return value;
    }

    static long addr(String field, Addr value) {
        return required(field, value).value();
    }

    static long positive(String field, Long value) {
        long v = required(field, value);
        if (v <= 0) {
            throw ErrnoException.invalid(field + " must be positive");
        }
        return v;
    }

    static long parseAddr(String field, String raw) {
        try {
            return Addr.parseHex(required(field, raw));
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid(field + ": " + e.getMessage());
        }
    }

    /** A request body of at most {@code max} bytes; E2BIG beyond. */
    static byte[] bounded(byte[] body, long max) {
        byte[] b = body == null ? new byte[0] : body;
        boundedLength(b.length, max);
        return b;
    }

    /** A request body announced as {@code length} bytes, refused before it is read when above {@code max}. */
    static void boundedLength(long length, long max) {
        if (length > max) {
            throw new ErrnoException(Errno.E2BIG, "body-too-large", "the request body exceeds " + max + " bytes");
        }
    }
}
