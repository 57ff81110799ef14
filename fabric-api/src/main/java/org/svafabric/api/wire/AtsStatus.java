package org.svafabric.api.wire;

/** The outcome of one ATS Translation Request, as the Translation Completion tells it. */
public enum AtsStatus {
    /** A translation with the permissions granted. */
    OK,
    /** R=W=0: not present (or not with the access asked for); the device may use PRI. */
    NO_TRANSLATION,
    /** Unsupported Request or Completer Abort: the stream or substream is not usable for ATS. */
    ERROR
}
