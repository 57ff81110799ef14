package org.svafabric.iommu.core.port;

/**
 * An MMU-notifier registration on a process (mmu_notifier_register): until it is removed or the process
 * exits, mm-service calls the core's invalidate_range and release for that mm, and waits for them.
 *
 * @param id   what {@link MmPort#unsubscribe} takes back
 * @param pgd  the page-table base at subscription time, which stays the same for the life of the mm
 * @param asid the ASID at subscription time
 */
public record NotifierSubscription(long id, long pgd, int asid) {
}
