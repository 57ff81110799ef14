package org.svafabric.iommu.core.port;

/**
 * The outcome of a page request group, with the kernel's names (enum iommu_page_response_code). The driver
 * turns it into the CMD_PRI_RESP Resp field; for a stalled transaction SUCCESS means CMD_RESUME Retry and any
 * other code Abort.
 */
public enum PageResponseCode {
    /** The pages are resident: retry the access (PCIe "Success"). */
    SUCCESS,
    /** The fault could not be handled: do not retry (PCIe "Invalid Request"). */
    INVALID,
    /**
     * A general error: the endpoint stops using PRI (PCIe "Response Failure"). The core's fault handler never
     * answers it; only a driver or the hardware does.
     */
    FAILURE
}
