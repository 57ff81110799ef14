package org.svafabric.device.pcie;

import org.svafabric.api.bits.Field;

/**
 * The PCIe Page Request Extended Capability's registers: Control (+0x04), Status (+0x06),
 * Outstanding Page Request Capacity (+0x08) and Allocation (+0x0C). Not thread-safe: the
 * function's {@link PageRequestInterface} guards it.
 */
public final class PriCapability {
    /** Page Request Control register. */
    public static final Field CTRL_ENABLE = Field.of("Enable", 0, 1);
    public static final Field CTRL_RESET = Field.of("Reset", 1, 1);
    /** Page Request Status register. */
    public static final Field STATUS_RESPONSE_FAILURE = Field.of("Response Failure", 0, 1);
    public static final Field STATUS_UNEXPECTED_PRG_INDEX = Field.of("Unexpected Page Request Group Index", 1, 1);
    public static final Field STATUS_STOPPED = Field.of("Stopped", 8, 1);
    public static final Field STATUS_PRG_RESPONSE_PASID_REQUIRED = Field.of("PRG Response PASID Required", 15, 1);

    private final long capacity;
    private final boolean prgResponsePasidRequired;
    private long control;
    private long allocation;
    private boolean responseFailure;
    private boolean unexpectedPrgIndex;

    public PriCapability(long capacity, boolean prgResponsePasidRequired) {
        this.capacity = capacity;
        this.prgResponsePasidRequired = prgResponsePasidRequired;
    }

    public long capacity() {
        return capacity;
    }

    public long allocation() {
        return allocation;
    }

    public boolean enabled() {
        return CTRL_ENABLE.isSet(control);
    }

    public boolean responseFailure() {
        return responseFailure;
    }

    public boolean prgResponsePasidRequired() {
        return prgResponsePasidRequired;
    }

    public long controlRegister() {
        return control;
    }

    /**
     * The Status register. Stopped reads 1 when Enable is clear and no page request is
     * outstanding: only then may software change the allocation (Linux pci_enable_pri checks it).
     */
    public long statusRegister(int outstanding) {
        long s = STATUS_RESPONSE_FAILURE.with(0, responseFailure);
        s = STATUS_UNEXPECTED_PRG_INDEX.with(s, unexpectedPrgIndex);
        s = STATUS_STOPPED.with(s, !enabled() && outstanding == 0);
        return STATUS_PRG_RESPONSE_PASID_REQUIRED.with(s, prgResponsePasidRequired);
    }

    /**
     * Software enables PRI with an allocation (capped at the capacity, as pci_enable_pri does).
     * Enabling clears Response Failure and Unexpected PRG Index: the fabric's driver re-enables
     * PRI to recover from a Response Failure.
     */
    void enable(long requested) {
        allocation = Math.min(capacity, Math.max(1, requested));
        responseFailure = false;
        unexpectedPrgIndex = false;
        control = CTRL_ENABLE.with(control, true);
    }

    void disable() {
        control = CTRL_ENABLE.with(control, false);
    }

    void recordResponseFailure() {
        responseFailure = true;
    }

    void recordUnexpectedPrgIndex() {
        unexpectedPrgIndex = true;
    }

    /** The function may send page requests: enabled and no Response Failure pending. */
    boolean mayRequest() {
        return enabled() && !responseFailure;
    }
}
