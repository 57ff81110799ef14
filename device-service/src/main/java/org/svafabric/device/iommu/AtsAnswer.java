package org.svafabric.device.iommu;

import java.util.List;

import org.svafabric.api.timing.DmaEvent;

/**
 * The Translation Completions of one ATS request, in request order, and what the SMMU did for them
 * ({@link DmaEvent.SmmuWork#NONE} when it did not tell).
 */
public record AtsAnswer(List<AtsCompletion> completions, DmaEvent.SmmuWork smmu) {
    public AtsAnswer {
        completions = List.copyOf(completions);
        smmu = smmu == null ? DmaEvent.SmmuWork.NONE : smmu;
    }
}
