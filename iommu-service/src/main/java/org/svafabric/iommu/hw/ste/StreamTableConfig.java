package org.svafabric.iommu.hw.ste;

import org.svafabric.iommu.hw.layout.StrtabBase;

/**
 * SMMU_STRTAB_BASE and SMMU_STRTAB_BASE_CFG as the SMMU uses them: the registers take effect when SMMUEN is
 * set, so the SMMU keeps this snapshot rather than reading the registers on every lookup.
 *
 * @param base     ADDR, aligned as the SMMU aligns it (linear: to the table size; 2-level: to the larger of
 *                 64 bytes and the level-1 table size)
 * @param twoLevel FMT == 2-level
 * @param log2Size LOG2SIZE, capped by IDR1.SIDSIZE
 * @param split    SPLIT (2-level only)
 */
public record StreamTableConfig(long base, boolean twoLevel, int log2Size, int split) {

    public static StreamTableConfig fromRegisters(long strtabBase, long strtabBaseCfg, int sidBits) {
        int log2Size = Math.min((int) StrtabBase.LOG2SIZE.get(strtabBaseCfg), sidBits);
        boolean twoLevel = StrtabBase.FMT.get(strtabBaseCfg) == StrtabBase.FMT_2LVL;
        int split = (int) StrtabBase.SPLIT.get(strtabBaseCfg);
        long addr = StrtabBase.ADDR.getAddress(strtabBase);
        int alignBits = twoLevel ? Math.max(6, log2Size - split + 3) : log2Size + 6;
        long base = alignBits >= 64 ? 0 : addr & -(1L << alignBits);
        return new StreamTableConfig(base, twoLevel, log2Size, split);
    }
}
