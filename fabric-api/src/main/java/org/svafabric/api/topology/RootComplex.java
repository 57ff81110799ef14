package org.svafabric.api.topology;

/**
 * A PCIe root complex as firmware describes it (an IORT root complex node): its id, which PCIe devices name to sit
 * below it, and its ATS attribute — whether the root complex forwards ATS Translation Requests and translated
 * transactions (IORT "ATS Attribute"; Linux sets {@code IOMMU_FWSPEC_PCI_RC_ATS} from it, v1 series patch 30
 * "ACPI/IORT: Check ATS capability in root complex nodes"). Without the attribute the SMMU driver enables ATS on
 * no endpoint below it.
 *
 * <p>{@code smmu} is the SMMU the root complex's ID mapping points at (IORT: a root complex node's output
 * reference is one SMMUv3 node); null: the topology's first SMMU.
 */
public record RootComplex(String id, Boolean ats, String smmu) {

    public RootComplex {
        ats = ats == null || ats;
    }

    public RootComplex(String id, Boolean ats) {
        this(id, ats, null);
    }

    /** The one root complex a topology without {@code rootComplexes} has: ATS supported, so old topologies keep working. */
    public static RootComplex defaults() {
        return new RootComplex("rc0", true, null);
    }
}
