package org.svafabric.api.bits;

/**
 * One named bit field of an architectural structure: {@code width} bits starting at bit
 * {@code shift} of 64-bit word {@code word}. Structures (STE, CD, commands, events,
 * descriptors) declare their fields once as constants of this type, so no shift or mask
 * is written twice (QEMU's FIELD()/FIELD_EX64 idea).
 */
public record Field(String name, int word, int shift, int width) {

    public Field {
        if (word < 0 || shift < 0 || width < 1 || shift + width > 64) {
            throw new IllegalArgumentException("bad field " + name + " word=" + word + " [" + (shift + width - 1) + ":" + shift + "]");
        }
    }

    /** A field of a single-word structure (a descriptor or register). */
    public static Field of(String name, int shift, int width) {
        return new Field(name, 0, shift, width);
    }

    /** A field of a multi-word structure, given as architectural bit positions [hi:lo] of word {@code word}. */
    public static Field bits(String name, int word, int hi, int lo) {
        return new Field(name, word, lo, hi - lo + 1);
    }

    public static Field bit(String name, int word, int bit) {
        return new Field(name, word, bit, 1);
    }

    public long mask() {
        return width == 64 ? -1L : ((1L << width) - 1) << shift;
    }

    public long max() {
        return width == 64 ? -1L : (1L << width) - 1;
    }

    /** The field's value in a single 64-bit word. */
    public long get(long value) {
        return (value & mask()) >>> shift;
    }

    public boolean isSet(long value) {
        return get(value) != 0;
    }

    /** {@code value} with this field replaced by {@code fieldValue}; rejects values that do not fit. */
    public long with(long value, long fieldValue) {
        if (width < 64 && (fieldValue & ~max()) != 0) {
            throw new IllegalArgumentException(name + " = 0x" + Long.toHexString(fieldValue) + " does not fit in " + width + " bits");
        }
        return (value & ~mask()) | (fieldValue << shift);
    }

    public long with(long value, boolean set) {
        return with(value, set ? 1 : 0);
    }

    public long get(long[] words) {
        return get(words[word]);
    }

    public boolean isSet(long[] words) {
        return get(words) != 0;
    }

    public void set(long[] words, long fieldValue) {
        words[word] = with(words[word], fieldValue);
    }

    public void set(long[] words, boolean set) {
        set(words, set ? 1 : 0);
    }

    /** An address field that holds bits [hi:lo] of an address in place (e.g. TTB0[51:4], OA[47:12]). */
    public long getAddress(long value) {
        return value & mask();
    }

    public long getAddress(long[] words) {
        return words[word] & mask();
    }

    public long withAddress(long value, long address) {
        if ((address & ~mask()) != 0) {
            throw new IllegalArgumentException(name + ": address 0x" + Long.toHexString(address) + " is not aligned to bit " + shift + " or exceeds bit " + (shift + width - 1));
        }
        return (value & ~mask()) | address;
    }

    public void setAddress(long[] words, long address) {
        words[word] = withAddress(words[word], address);
    }
}
