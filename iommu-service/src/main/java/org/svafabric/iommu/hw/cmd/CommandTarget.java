package org.svafabric.iommu.hw.cmd;

import org.svafabric.iommu.hw.tlb.TlbInvalidation;

/**
 * What the command-queue consumer asks of the translation side of the SMMU: configuration-cache
 * and TLB maintenance. (ATC_INV, PRI_RESP, RESUME and SYNC are handled by the queue side itself,
 * towards the devices and the stall table.)
 */
public interface CommandTarget {

    /** CMD_CFGI_STE (log2Range 0, leaf or not), CMD_CFGI_STE_RANGE and CMD_CFGI_ALL (sid 0, log2Range 31). */
    void invalidateSte(int sid, int log2Range);

    /** CMD_CFGI_CD for one SSID, or CMD_CFGI_CD_ALL when {@code ssid} is -1 (every CD of the stream). */
    void invalidateCd(int sid, int ssid);

    /** Every CMD_TLBI_* form, and broadcast TLBIs when BTM is on. */
    void invalidateTlb(TlbInvalidation invalidation);

    /** CMD_PREFETCH_CONFIG: a hint; the model may load the configuration into its cache. {@code ssid} -1 when SSV = 0. */
    void prefetchConfig(int sid, int ssid);
}
