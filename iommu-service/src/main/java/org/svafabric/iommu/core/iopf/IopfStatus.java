package org.svafabric.iommu.core.iopf;

/** What servicing a group decided (v1's page_response_code plus IOMMU_PAGE_RESP_HANDLED). */
public enum IopfStatus {
    /** Every fault was resolved: answer Success (CMD_RESUME Retry for a stall). */
    SUCCESS,
    /** A fault could not be resolved: answer Invalid Request (CMD_RESUME Abort for a stall). */
    INVALID,
    /** Nothing to answer: the group ended with a stop marker. */
    HANDLED
}
