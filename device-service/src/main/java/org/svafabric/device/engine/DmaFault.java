package org.svafabric.device.engine;

/**
 * A transaction of the job could not complete: the job ends FAULTED at {@code addr} with
 * {@code reason} (and the SMMU's {@code event} when it reported one). Thrown by a
 * {@link DmaPath} to unwind the running op; it never leaves the engine.
 */
public final class DmaFault extends RuntimeException {
    private final Long addr;
    private final String event;

    private final boolean invalidResponse;

    public DmaFault(Long addr, String reason, String event) {
        this(addr, reason, event, false);
    }

    private DmaFault(Long addr, String reason, String event, boolean invalidResponse) {
        super(reason, null, false, false);
        this.addr = addr;
        this.event = event;
        this.invalidResponse = invalidResponse;
    }

    /** The SMMU answered a page request group with Invalid Request. */
    public static DmaFault invalidResponse(long addr, String reason) {
        return new DmaFault(addr, reason, null, true);
    }

    /**
     * A stalled transaction the fault handler resumed with Abort (CMD_RESUME): the platform
     * device's Invalid Request, so the driver asks the same question after it (is the address
     * space exiting?).
     */
    public static DmaFault stallAborted(long addr, String reason, String event) {
        return new DmaFault(addr, reason, event, true);
    }

    /** The fault handler refused the fault: PRG response Invalid Request, or a stall resumed with Abort. */
    public boolean isInvalidResponse() {
        return invalidResponse;
    }

    /** The faulting address, or null when the failure was not at an address (the link to the SMMU or RAM failed). */
    public Long addr() {
        return addr;
    }

    /** The SMMU event name (F_TRANSLATION, C_BAD_SUBSTREAMID, ...), or null. */
    public String event() {
        return event;
    }

    public String reason() {
        return getMessage();
    }
}
