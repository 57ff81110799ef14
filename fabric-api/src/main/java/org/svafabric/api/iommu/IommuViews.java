package org.svafabric.api.iommu;

import java.util.List;
import java.util.Map;
import java.util.Set;


import org.svafabric.api.faults.ArmedFault;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What iommu-service answers (the SMMU, the devices behind it, the SVA core's bonds and PASIDs, private domains). */
public final class IommuViews {
    private IommuViews() {
    }

    /** GET /iommu/v1/smmu. */
    public record Smmu(String name, Map<String, String> registers, Features features, StrtabView streamTable,
                       CdTableView cdTable, Sva sva, Map<String, Long> metrics) {
    }

    /** GET /iommu/v1/fabric: every SMMU, and the faults armed in iommu-service. */
    public record FabricPart(List<Smmu> smmus, List<ArmedFault> faults) {
    }

    public record Features(int ssidBits, int sidBits, boolean pri, boolean ats, String stallModel, boolean btm,
                           boolean btmInUse, String httu, boolean ril, int oasBits, boolean asid16, boolean coherent,
                           boolean gran4k, boolean aarch64, boolean e2h, boolean msi, boolean sev, int stallMax) {
    }

    /** {@code split}: StreamID bits indexed by a level-2 table (0 for linear). */
    public record StrtabView(String format, int split, int log2Size) {
    }

    /** The CD-table format a device with the SMMU's full SSID width gets. */
    public record CdTableView(String format, boolean cd2l) {
    }

    public record Sva(boolean available, List<String> reasons) {
    }

    /** One device behind the SMMU. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code smmu}: the SMMU the device sits behind ({@code sid} is a StreamID of that SMMU). */
    public record Device(String id, int sid, String type, Endpoint endpoint, Long domain, SvaState sva, String smmu) {
    }

    /** What the driver enabled on the endpoint, and how its faults are taken. */
    public record Endpoint(boolean pasid, boolean pri, boolean ats, boolean stall) {
    }

    /** The device's SVA state (iommu_sva_device_init done or not). */
    public record SvaState(boolean enabled, Set<String> features, int minPasid, int maxPasid, List<BondView> bonds) {
        public static final SvaState DISABLED = new SvaState(false, Set.of(), 0, 0, List.of());
    }

    /** POST .../sva answer. */
    public record SvaInitialised(int minPasid, int maxPasid, Set<String> features) {
    }

    /** POST .../sva/bonds answer. */
    public record Bond(int pasid, long pid, String device) {
    }

    /** GET /iommu/v1/sva/pasids/{pasid}. */
    public record Pasid(int pasid, long pid, List<String> devices) {
    }

    public record Domain(long id, int asid, List<String> devices) {
    }

    public record Unmapped(long size) {
    }
}
