package org.svafabric.iommu.core.sva;

import org.svafabric.api.iommu.BondView;

import java.util.List;
import java.util.Set;

/**
 * A device's SVA state after iommu_sva_device_init.
 *
 * @param stall its I/O page faults are resolved by stalling transactions (CD.S = 1) rather than by PRI
 */
public record SvaDeviceView(String device, Set<SvaFeature> features, int minPasid, int maxPasid, boolean stall,
                            boolean mmExitHandler, List<BondView> bonds) {
}
