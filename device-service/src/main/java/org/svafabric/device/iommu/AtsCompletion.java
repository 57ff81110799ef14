package org.svafabric.device.iommu;

import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.wire.AtsStatus;

/**
 * One ATS Translation Completion.
 *
 * @param pa    the translated page (OK)
 * @param size  the translation's size in bytes (OK; at least the STU)
 * @param event ERROR: why the SMMU refused (C_BAD_SUBSTREAMID, C_BAD_CD, F_BAD_ATS_TREQ, ...)
 */
public record AtsCompletion(long addr, AtsStatus status, long pa, long size, boolean read, boolean write, boolean exec,
                            boolean priv, String event) {

    /** The completion as it arrived on the link ({@code asked}: the address requested, if the answer omits it). */
    public static AtsCompletion of(long asked, IommuCalls.AtsResult r) {
        long addr = r.addr() == null ? asked : r.addr().value();
        AtsStatus status = r.status() == null ? AtsStatus.ERROR : r.status();
        return switch (status) {
            case OK -> ok(addr, r.pa() == null ? 0 : r.pa().value(), r.size() == null ? 4096 : r.size(),
                    Boolean.TRUE.equals(r.read()), Boolean.TRUE.equals(r.write()), Boolean.TRUE.equals(r.exec()),
                    Boolean.TRUE.equals(r.priv()));
            case NO_TRANSLATION -> noTranslation(addr);
            case ERROR -> error(addr, r.event() == null ? "ERROR" : r.event());
        };
    }

    public static AtsCompletion ok(long addr, long pa, long size, boolean read, boolean write, boolean exec, boolean priv) {
        return new AtsCompletion(addr, AtsStatus.OK, pa, size, read, write, exec, priv, null);
    }

    public static AtsCompletion noTranslation(long addr) {
        return new AtsCompletion(addr, AtsStatus.NO_TRANSLATION, 0, 0, false, false, false, false, null);
    }

    public static AtsCompletion error(long addr, String event) {
        return new AtsCompletion(addr, AtsStatus.ERROR, 0, 0, false, false, false, false, event);
    }

    /** Whether this completion allows the access: read always needs R, a write needs W, an instruction fetch X. */
    public boolean permits(boolean forWrite, boolean forExec) {
        return status == AtsStatus.OK && read && (!forWrite || write) && (!forExec || exec);
    }
}
