package org.svafabric.api.device;

import java.util.List;

import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.api.wire.AtsCompletion;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Bodies of the calls a device makes to the SMMU model (iommu-service): ATS Translation
 * Requests (one call per batch of pages) and PRI Page Request Messages.
 */
public final class IommuCalls {
    private IommuCalls() {
    }

    /** POST /iommu/v1/ats/translate. {@code pasid} absent: the request carries no PASID prefix. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AtsTranslate(int sid, Integer pasid, List<AtsPage> pages) {
    }

    /** One page to translate; {@code write} false is the Translation Request's No Write hint. */
    public record AtsPage(Addr addr, boolean write, boolean exec, boolean priv) {
    }

    /**
     * The completions, in request order, and what the SMMU did for the batch ({@code smmu}: STE and CD reads,
     * TLB hits, walks and their descriptor reads), which the device's timing model prices. {@code smmu} is
     * absent from an SMMU that does not tell.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AtsTranslation(List<AtsCompletion> results, DmaEvent.SmmuWork smmu) {
        public AtsTranslation(List<AtsCompletion> results) {
            this(results, null);
        }

        /** What the SMMU did, {@link DmaEvent.SmmuWork#NONE} when it did not tell. */
        public DmaEvent.SmmuWork work() {
            return smmu == null ? DmaEvent.SmmuWork.NONE : smmu;
        }
    }

    /** POST /iommu/v1/pri/requests: Page Request Messages, in the order the device sent them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PageRequests(int sid, Integer pasid, List<PageRequest> requests) {
    }

    /** One Page Request Message; {@code last} is the L bit closing the group {@code prgIndex}. */
    public record PageRequest(int prgIndex, boolean last, boolean read, boolean write, boolean exec, boolean priv, Addr addr) {
    }
}
