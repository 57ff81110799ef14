package org.svafabric.iommu.core.iopf;

import java.util.OptionalLong;

/** iommu_sva_find: the pid of the process a PASID is bound to, or nothing for an unknown, freed or exiting one. */
@FunctionalInterface
public interface PasidLookup {

    OptionalLong find(int pasid);
}
