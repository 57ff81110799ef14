package org.svafabric.iommu.hw.ats;

import org.svafabric.iommu.hw.event.EventType;

/**
 * One Translation Completion (data entry). SUCCESS carries the translated address of the page or block of
 * 2^{@code sizeShift} bytes holding {@code addr} and the permissions granted; SUCCESS with R = W = 0 means
 * "no translation", and a PRI-capable device then asks for the page. UR (Unsupported Request) and CA
 * (Completer Abort) carry the condition that caused them in {@code cause}.
 */
public record AtsCompletion(Status status, long addr, long pa, int sizeShift, boolean read, boolean write,
                            boolean exec, boolean priv, EventType cause) {

    public enum Status { SUCCESS, UNSUPPORTED_REQUEST, COMPLETER_ABORT }

    /** The smallest translation unit: the 4 KiB granule, the only one this SMMU implements. */
    public static final int STU_SHIFT = 12;

    public static AtsCompletion granted(long addr, long pa, int sizeShift, boolean r, boolean w, boolean x, boolean priv) {
        return new AtsCompletion(Status.SUCCESS, addr, pa, sizeShift, r, w, x, priv, null);
    }

    public static AtsCompletion noTranslation(long addr, boolean priv, EventType cause) {
        return new AtsCompletion(Status.SUCCESS, addr, 0, STU_SHIFT, false, false, false, priv, cause);
    }

    public static AtsCompletion unsupported(long addr, EventType cause) {
        return new AtsCompletion(Status.UNSUPPORTED_REQUEST, addr, 0, 0, false, false, false, false, cause);
    }

    public static AtsCompletion abort(long addr, EventType cause) {
        return new AtsCompletion(Status.COMPLETER_ABORT, addr, 0, 0, false, false, false, false, cause);
    }

    /** Success without any permission: the page is not (accessibly) mapped. */
    public boolean noTranslation() {
        return status == Status.SUCCESS && !read && !write;
    }
}
