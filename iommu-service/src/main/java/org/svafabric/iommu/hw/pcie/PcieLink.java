package org.svafabric.iommu.hw.pcie;

import java.util.concurrent.CompletionStage;

import org.svafabric.api.wire.PrgResponseCode;

/**
 * The PCIe link from the SMMU's root complex down to the endpoints: the messages the SMMU sends them, ATS
 * Invalidation Requests (CMD_ATC_INV) and PRG Responses (CMD_PRI_RESP, and the automatic ones of an
 * overflowing PRI queue). Not a queue: the command and PRI queues send through it. Implemented over REST to
 * device-service; tests use fakes.
 */
public interface PcieLink {

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
    void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code);
}
