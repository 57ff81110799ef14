package org.svafabric.iommu.api;

/**
 * The CPU's broadcast TLB invalidations as they reach the SMMU with BTM: TLBI ASIDE1IS ({@code va} null) or
 * TLBI VAE1IS for {@code pages} pages from {@code va}.
 */
@FunctionalInterface
public interface BroadcastTlbi {
    void tlbi(int asid, Long va, Long pages);
}
