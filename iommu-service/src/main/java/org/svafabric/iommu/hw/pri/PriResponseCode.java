package org.svafabric.iommu.hw.pri;

/**
 * The outcome of a Page Request Group, with its two encodings: the 2-bit Resp field of CMD_PRI_RESP
 * (IHI 0070 §4.5.2: 0b00 ResponseFailure, 0b01 InvalidRequest, 0b10 Success, 0b11 ILLEGAL) and the 4-bit
 * Response Code of the PCIe PRG Response message (§8.3: Success 0b0000, Invalid Request 0b0001, Response
 * Failure 0b1111).
 *
 * <p>Linux names the command values {@code PRI_RESP_DENY = 0, PRI_RESP_FAIL = 1, PRI_RESP_SUCC = 2}; by the
 * architecture's table its DENY is ResponseFailure (a permanent error: the endpoint stops using PRI) and its
 * FAIL is InvalidRequest (the page could not be made resident). The names here follow the architecture.
 */
public enum PriResponseCode {
    /** The pages were made resident: the endpoint retries its ATS translation. */
    SUCCESS(0b10, 0b0000),
    /** Page-in failed for one or more pages of the group (e.g. no VMA, or no permission). */
    INVALID_REQUEST(0b01, 0b0001),
    /** Permanent non-paging error (e.g. PRI disabled for the device); the endpoint stops issuing requests. */
    RESPONSE_FAILURE(0b00, 0b1111);

    private final int cmdResp;
    private final int pcieCode;

    PriResponseCode(int cmdResp, int pcieCode) {
        this.cmdResp = cmdResp;
        this.pcieCode = pcieCode;
    }

    /** The CMD_PRI_RESP Resp field value. */
    public int cmdResp() {
        return cmdResp;
    }

    /** The PCIe PRG Response Code. */
    public int pcieCode() {
        return pcieCode;
    }

    /** The response for a CMD_PRI_RESP Resp value; 0b11 is ILLEGAL and has none. */
    public static PriResponseCode ofCmdResp(int resp) {
        for (PriResponseCode c : values()) {
            if (c.cmdResp == resp) {
                return c;
            }
        }
        throw new IllegalArgumentException("CMD_PRI_RESP Resp 0b" + Integer.toBinaryString(resp) + " is ILLEGAL");
    }
}
