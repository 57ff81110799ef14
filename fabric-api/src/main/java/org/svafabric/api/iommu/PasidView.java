package org.svafabric.api.iommu;

import java.util.List;

/**
 * An allocated PASID and what holds it.
 *
 * @param state the io_mm's state: CREATING, LIVE or EXITING (an exited io_mm's PASID is free)
 */
public record PasidView(int pasid, long pid, String state, List<BondView> bonds) {
}
