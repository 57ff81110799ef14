package org.svafabric.api.iommu;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.Headers;

/**
 * The SMMU terminated an untranslated transaction (or software aborted its stall): EFAULT, with the SMMU event
 * (F_TRANSLATION, F_PERMISSION, C_BAD_SUBSTREAMID, ...), the address and how often it stalled first. The
 * problem document carries {@code event}, {@code addr} and {@code stalls}; the service clients decode it back
 * to this exception.
 */
public class TransactionTerminated extends ErrnoException {
    public static final String SLUG = "transaction-terminated";

    private final String event;
    private final long addr;
    private final int stalls;
    /** The answer's {@link Headers#SMMU_WORK} and {@link Headers#SMMU_FAULT_KINDS}, as a client read them (null: not told). */
    private final String workHeader;
    private final String faultKindsHeader;

    /** @param detail the problem's detail, as {@link #of} words it */
    public TransactionTerminated(String event, long addr, int stalls, String detail) {
        this(event, addr, stalls, detail, null, null);
    }

    /** As read back by a client, with what the SMMU said the transaction cost before it was terminated. */
    public TransactionTerminated(String event, long addr, int stalls, String detail, String workHeader, String faultKindsHeader) {
        super(Errno.EFAULT, SLUG, HttpStatus.BAD_REQUEST, detail);
        this.event = event;
        this.addr = addr;
        this.stalls = stalls;
        this.workHeader = workHeader;
        this.faultKindsHeader = faultKindsHeader;
    }

    public String workHeader() {
        return workHeader;
    }

    public String faultKindsHeader() {
        return faultKindsHeader;
    }

    /** {@code reason}: why, in the SMMU model's words (may be null). */
    public static TransactionTerminated of(String event, long addr, int stalls, String reason) {
        return new TransactionTerminated(event, addr, stalls, "the SMMU terminated the transaction at " + Addr.hex(addr) + ": "
                + event + (reason == null || reason.isBlank() ? "" : " (" + reason + ")"));
    }

    public String event() {
        return event;
    }

    public long addr() {
        return addr;
    }

    public int stalls() {
        return stalls;
    }

    @Override
    protected void addProperties(ProblemDetail problem) {
        problem.setProperty("event", event);
        problem.setProperty("addr", Addr.hex(addr));
        problem.setProperty("stalls", stalls);
    }
}
