package org.svafabric.api.iommu;

/**
 * A bond as the API shows it.
 *
 * @param refs  how many binds still need an unbind (v1 refcount)
 * @param state ATTACHING, BOUND, DETACHING or EXITING (release is stopping the device on the PASID; the
 *              bond is freed when it is done)
 */
public record BondView(String device, int pasid, long pid, int refs, String state) {
}
