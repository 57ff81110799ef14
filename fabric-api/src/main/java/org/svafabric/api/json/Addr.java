package org.svafabric.api.json;

import java.math.BigInteger;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An address (virtual, IOVA or physical) in the public API: written as a hex string
 * {@code "0x7f3a00000000"}, read from a hex string or a non-negative JSON integer.
 */
public record Addr(long value) {

    public Addr {
        if (value < 0) {
            throw new IllegalArgumentException("address must not be negative");
        }
    }

    public static Addr of(long value) {
        return new Addr(value);
    }

    @JsonCreator
    public static Addr parse(Object raw) {
        if (raw instanceof Number n) {
            if (n instanceof Double || n instanceof Float || n instanceof java.math.BigDecimal) {
                throw new IllegalArgumentException("address must be an integer, got " + n);
            }
            BigInteger v = new BigInteger(n.toString());
            if (v.signum() < 0 || v.bitLength() > 63) {
                throw new IllegalArgumentException("address " + n + " is out of range");
            }
            return new Addr(v.longValue());
        }
        if (raw instanceof String s) {
            return new Addr(parseHex(s));
        }
        throw new IllegalArgumentException("address must be a hex string or an integer");
    }

    /** Parses "0x..." (hex) or plain decimal digits. */
    public static long parseHex(String s) {
        String t = s.trim();
        try {
            BigInteger v;
            if (t.startsWith("0x") || t.startsWith("0X")) {
                v = new BigInteger(t.substring(2).replace("_", ""), 16);
            } else {
                v = new BigInteger(t);
            }
            if (v.signum() < 0 || v.bitLength() > 63) {
                throw new IllegalArgumentException("address " + s + " is out of range");
            }
            return v.longValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an address: \"" + s + "\" (use a hex string such as \"0x7f3a00000000\" or an integer)");
        }
    }

    @JsonValue
    public String hex() {
        return hex(value);
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    @Override
    public String toString() {
        return hex();
    }
}
