package org.svafabric.api.bits;

import java.util.Arrays;

/**
 * An architectural structure of 64-bit words (an STE, a CD) as an immutable value whose fields are read and
 * replaced through the {@link Field} constants of its layout: the one declaration of a field drives encode
 * ({@link #words()}), decode ({@link #get}) and {@link #with}, so no field is spelled again as a record
 * component, an encode line, a decode line and a {@code withX} method (QEMU's {@code FIELD_DP64}/{@code
 * FIELD_EX64} idea applied to whole structures).
 *
 * @param <S> the structure's own type, so that {@link #with} returns it
 */
public abstract class Structure<S extends Structure<S>> {
    private final long[] words;

    /** @param words the structure's words (copied), exactly {@code size} of them */
    protected Structure(long[] words, int size) {
        if (words.length != size) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has " + size + " words, not " + words.length);
        }
        this.words = words.clone();
    }

    /** A structure of the same type holding {@code words} (already copied). */
    protected abstract S wrap(long[] words);

    public final long get(Field f) {
        return f.get(words);
    }

    public final boolean isSet(Field f) {
        return f.isSet(words);
    }

    /** An address field's bits in place (TTB0[51:4], S1ContextPtr[55:6]). */
    public final long address(Field f) {
        return f.getAddress(words);
    }

    public final S with(Field f, long value) {
        long[] w = words.clone();
        f.set(w, value);
        return wrap(w);
    }

    public final S with(Field f, boolean value) {
        return with(f, value ? 1 : 0);
    }

    public final S withAddress(Field f, long address) {
        long[] w = words.clone();
        f.setAddress(w, address);
        return wrap(w);
    }

    public final long word(int index) {
        return words[index];
    }

    /** The encoding: the words as they are written to RAM (a copy). */
    public final long[] words() {
        return words.clone();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(words, ((Structure<?>) o).words);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(getClass().getSimpleName()).append('[');
        for (int i = 0; i < words.length; i++) {
            b.append(i == 0 ? "" : " ").append(String.format("%016x", words[i]));
        }
        return b.append(']').toString();
    }
}
