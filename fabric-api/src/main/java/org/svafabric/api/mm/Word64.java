package org.svafabric.api.mm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A raw 64-bit memory word in JSON (a descriptor for compare-and-swap): an unsigned hex string
 * {@code "0x..."}. Unlike {@link org.svafabric.api.json.Addr} every bit pattern is valid, bit 63
 * included (descriptors use it, e.g. NSTable).
 */
public record Word64(long value) {

    @JsonCreator
    public static Word64 parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("a 64-bit word must be a hex string such as \"0x40000703\"");
        }
        String t = raw.trim();
        if (!(t.startsWith("0x") || t.startsWith("0X")) || t.length() == 2 || t.length() > 18) {
            throw new IllegalArgumentException("not a 64-bit hex word: \"" + raw + "\"");
        }
        try {
            return new Word64(Long.parseUnsignedLong(t.substring(2), 16));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a 64-bit hex word: \"" + raw + "\"");
        }
    }

    public static Word64 of(long value) {
        return new Word64(value);
    }

    @JsonValue
    public String hex() {
        return "0x" + Long.toHexString(value);
    }

    @Override
    public String toString() {
        return hex();
    }
}
