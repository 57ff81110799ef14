package org.svafabric.api.wire;

/**
 * The outcome of one ATS Translation Request, as the Translation Completion tells it: a Successful
 * Completion with or without a translation, or the Completion Status the SMMU refused it with.
 */
public enum AtsStatus {
    /** A translation with the permissions granted. */
    OK,
    /** A Successful Completion with R=W=0: not present (or not with the access asked for); the device may use PRI. */
    NO_TRANSLATION,
    /** Completion Status UR: the stream does not allow ATS (e.g. STE.EATS = 0, or an SMMU without ATS). */
    UNSUPPORTED_REQUEST,
    /** Completion Status CA: the configuration cannot be used (e.g. C_BAD_STE, C_BAD_CD, C_BAD_SUBSTREAMID). */
    COMPLETER_ABORT;

    /** UR or CA: the request was refused, no retry will translate it. */
    public boolean refused() {
        return this == UNSUPPORTED_REQUEST || this == COMPLETER_ABORT;
    }
}
