package org.svafabric.device.iommu;

/**
 * One ATS Translation Completion.
 *
 * @param pa    the translated page (OK)
 * @param size  the translation's size in bytes (OK; at least the STU)
 * @param event ERROR: why the SMMU refused (C_BAD_SUBSTREAMID, C_BAD_CD, F_BAD_ATS_TREQ, ...)
 */
public record AtsCompletion(long addr, Status status, long pa, long size, boolean read, boolean write, boolean exec,
                            boolean priv, String event) {

    public enum Status {
        /** A translation with the permissions granted. */
        OK,
        /** R=W=0: not present (or not with the access asked for); the device may use PRI. */
        NO_TRANSLATION,
        /** Unsupported Request or Completer Abort: the stream or substream is not usable for ATS. */
        ERROR
    }

    public static AtsCompletion ok(long addr, long pa, long size, boolean read, boolean write, boolean exec, boolean priv) {
        return new AtsCompletion(addr, Status.OK, pa, size, read, write, exec, priv, null);
    }

    public static AtsCompletion noTranslation(long addr) {
        return new AtsCompletion(addr, Status.NO_TRANSLATION, 0, 0, false, false, false, false, null);
    }

    public static AtsCompletion error(long addr, String event) {
        return new AtsCompletion(addr, Status.ERROR, 0, 0, false, false, false, false, event);
    }

    /** Whether this completion allows the access: read always needs R, a write needs W, an instruction fetch X. */
    public boolean permits(boolean forWrite, boolean forExec) {
        return status == Status.OK && read && (!forWrite || write) && (!forExec || exec);
    }
}
