package org.svafabric.device.iommu;

import java.util.List;

import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.api.wire.AtsCompletion;

/**
 * The devices' link to the SMMU model in iommu-service: what a PCIe function or a platform
 * device can send upstream. Devices know nothing else of iommu-service; tests substitute a
 * fake SMMU that walks real page tables.
 */
public interface IommuPort {

    /**
     * ATS Translation Requests for a batch of pages (one call per job segment, not per page),
     * answered in the same order.
     */
    List<AtsCompletion> translate(int sid, Integer pasid, List<AtsRequest> pages);

    /**
     * The same request, with what the SMMU reported doing for it (for the job's model clock). An SMMU that
     * reports nothing answers {@link org.svafabric.api.timing.DmaEvent.SmmuWork#NONE}.
     */
    default IommuCalls.AtsTranslation translateWithWork(int sid, Integer pasid, List<AtsRequest> pages) {
        return new IommuCalls.AtsTranslation(translate(sid, pasid, pages));
    }

    /**
     * Sends Page Request Messages. The PRG Response arrives later, asynchronously, once per
     * group with Last set (see {@link org.svafabric.device.pcie.PageRequestInterface#respond}).
     */
    void pageRequests(int sid, Integer pasid, List<PageRequest> requests);

    /**
     * One untranslated transaction (a platform device's, or a PCIe request with AT=untranslated):
     * the SMMU translates it. A stalled transaction simply takes longer, until CMD_RESUME.
     */
    TransactionOutcome transact(int sid, Integer pasid, Transaction transaction);

    /**
     * This link as the devices behind SMMU {@code smmu} use it (each message names the SMMU whose StreamIDs its
     * {@code sid} belongs to). A port that reaches one SMMU only answers itself.
     */
    default IommuPort toSmmu(String smmu) {
        return this;
    }

    /** Tells the SMMU's driver about a hot-plugged device (SID -> device). */
    void hotplug(DeviceDescription description);

    /**
     * iommu_sva_find, as the device's driver asks it after a failure: is the address space bound at
     * {@code pasid} still live (not exiting, not freed)? Answers true when the SMMU cannot tell.
     */
    default boolean addressSpaceLive(int pasid) {
        return true;
    }
}
