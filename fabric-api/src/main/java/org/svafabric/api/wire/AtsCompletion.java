package org.svafabric.api.wire;

import org.svafabric.api.json.Addr;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One ATS Translation Completion, the one model of it: the SMMU model builds it, the link carries it as is and
 * the function's ATC caches it. OK carries the Translated Address {@code pa} of the naturally aligned range of
 * {@code size} bytes (at least the 4 KiB STU) holding {@code addr}, and the permissions granted; NO_TRANSLATION
 * is a Successful Completion with R = W = 0, and a PRI-capable function then asks for the page; UR and CA carry
 * the SMMU event that caused them in {@code event} (C_BAD_SUBSTREAMID, F_BAD_ATS_TREQ, ...), if one did.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AtsCompletion(Addr addr, AtsStatus status, Addr pa, Long size, boolean read, boolean write, boolean exec,
                            boolean priv, String event) {

    /** The smallest translation unit: the 4 KiB granule. */
    public static final int STU_SHIFT = 12;

    /** From the link: an absent R, W, X or Priv bit is clear. */
    @JsonCreator
    static AtsCompletion ofLink(@JsonProperty("addr") Addr addr, @JsonProperty("status") AtsStatus status,
                                @JsonProperty("pa") Addr pa, @JsonProperty("size") Long size, @JsonProperty("read") Boolean read,
                                @JsonProperty("write") Boolean write, @JsonProperty("exec") Boolean exec,
                                @JsonProperty("priv") Boolean priv, @JsonProperty("event") String event) {
        return new AtsCompletion(addr, status, pa, size, Boolean.TRUE.equals(read), Boolean.TRUE.equals(write),
                Boolean.TRUE.equals(exec), Boolean.TRUE.equals(priv), event);
    }

    public static AtsCompletion granted(long addr, long rangePa, int sizeShift, boolean r, boolean w, boolean x, boolean priv) {
        return new AtsCompletion(Addr.of(addr), AtsStatus.OK, Addr.of(rangePa), 1L << sizeShift, r, w, x, priv, null);
    }

    /** {@code cause}: the fault that left the page without translation (F_TRANSLATION, F_PERMISSION, ...), if any. */
    public static AtsCompletion noTranslation(long addr, boolean priv, String cause) {
        return new AtsCompletion(Addr.of(addr), AtsStatus.NO_TRANSLATION, null, null, false, false, false, priv, cause);
    }

    public static AtsCompletion unsupported(long addr, String cause) {
        return new AtsCompletion(Addr.of(addr), AtsStatus.UNSUPPORTED_REQUEST, null, null, false, false, false, false, cause);
    }

    public static AtsCompletion abort(long addr, String cause) {
        return new AtsCompletion(Addr.of(addr), AtsStatus.COMPLETER_ABORT, null, null, false, false, false, false, cause);
    }

    /** The address asked for. */
    @JsonIgnore
    public long address() {
        return addr == null ? 0 : addr.value();
    }

    /** log2 of the translation's size (OK only). */
    @JsonIgnore
    public int sizeShift() {
        return size == null ? STU_SHIFT : Long.numberOfTrailingZeros(size);
    }

    /** The physical page of {@link #address()}: the range's base plus the page's offset in it (OK only). */
    @JsonIgnore
    public long pagePa() {
        long s = size == null ? 1L << STU_SHIFT : size;
        return (pa == null ? 0 : pa.value()) + ((address() & (s - 1)) & -(1L << STU_SHIFT));
    }

    /** Success without any permission: the page is not (accessibly) mapped. */
    @JsonIgnore
    public boolean noTranslation() {
        return status == AtsStatus.NO_TRANSLATION;
    }

    /** Whether this completion allows the access: read always needs R, a write needs W, an instruction fetch X. */
    public boolean permits(boolean forWrite, boolean forExec) {
        return status == AtsStatus.OK && read && (!forWrite || write) && (!forExec || exec);
    }

    /** Why a refused request was refused: the SMMU event, or the Completion Status when none was named. */
    @JsonIgnore
    public String reason() {
        return event != null ? event : String.valueOf(status);
    }
}
