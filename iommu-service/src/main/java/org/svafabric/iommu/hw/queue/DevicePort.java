package org.svafabric.iommu.hw.queue;

import java.util.concurrent.CompletionStage;

import org.svafabric.iommu.hw.pri.PriResponseCode;

/**
 * The SMMU's ATS/PRI port towards PCIe endpoints (through the root complex): what CMD_ATC_INV and
 * CMD_PRI_RESP send, and where automatic PRG responses go. The lead implements it over REST to
 * device-service; tests use fakes.
 */
public interface DevicePort {

    /**
     * Sends an ATS Invalidation Request to stream {@code sid} (with PASID {@code ssid} when it is not -1) for
     * the aligned span of 4 KiB × 2^{@code log2Pages} at {@code addr} (52: everything). The stage completes
     * when the endpoint's Invalidation Completion arrives; an exceptional completion is an endpoint error
     * (e.g. UR): the invalidation then counts as completed without guarantee (IHI 0070 §3.9.1.5).
     */
    CompletionStage<Void> atcInvalidate(int sid, int ssid, long addr, int log2Pages, boolean global);

    /**
     * Sends a PRG Response for Page Request Group {@code prgIndex} of stream {@code sid}, with a PASID prefix
     * carrying {@code ssid} when {@code pasidValid}. Fire and forget: nothing confirms delivery.
     */
    void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PriResponseCode code);
}
