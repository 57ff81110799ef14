package org.svafabric.api.iommu;

/**
 * A bond as the API shows it.
 *
 * @param refs  how many binds still need an unbind (v1 refcount)
 * @param state ATTACHING, BOUND, DETACHING, EXITING or EXITED (the mm exited; the PASID stays reserved
 *              until the last unbind)
 */
public record BondView(String device, int pasid, long pid, int refs, String state) {
}
