package org.svafabric.iommu.hw.regs;

import org.svafabric.iommu.hw.layout.Idr5;
import org.svafabric.iommu.hw.layout.Idr3;
import org.svafabric.iommu.hw.layout.Idr1;
import org.svafabric.iommu.hw.layout.Idr0;
/**
 * The ID register values of an SMMU built from {@link SmmuConfig}: a stage-1-only SMMU (S1P, no S2P) with
 * AArch64 tables, the 4 KiB granule, little-endian walks, 48-bit VAs, and CD.A choosing abort or RAZ/WI.
 *
 * <p>One liberty: IDR0.Hyp is RES0 when S2P == 0, yet the model reports it when the configuration asks for
 * the EL2-E2H regime, so that STE.STRW = EL2 and the CMD_TLBI_EL2_* forms can be shown without stage 2.
 */
public record IdRegisters(int idr0, int idr1, int idr3, int idr5) {

    public static IdRegisters of(SmmuConfig c) {
        long idr0 = 0;
        idr0 = Idr0.S1P.with(idr0, true);
        idr0 = Idr0.TTF.with(idr0, Idr0.TTF_AARCH64);
        idr0 = Idr0.COHACC.with(idr0, c.coherent());
        idr0 = Idr0.BTM.with(idr0, c.btm());
        idr0 = Idr0.HTTU.with(idr0, c.httu().code());
        idr0 = Idr0.HYP.with(idr0, c.hyp());
        idr0 = Idr0.ATS.with(idr0, c.ats());
        idr0 = Idr0.ASID16.with(idr0, c.asid16());
        idr0 = Idr0.MSI.with(idr0, c.msi());
        idr0 = Idr0.SEV.with(idr0, c.sev());
        idr0 = Idr0.PRI.with(idr0, c.pri());
        idr0 = Idr0.CD2L.with(idr0, c.twoLevelCdTable());
        idr0 = Idr0.TTENDIAN.with(idr0, Idr0.TTENDIAN_LITTLE);
        idr0 = Idr0.ATSRECERR.with(idr0, c.ats());
        idr0 = Idr0.STALL_MODEL.with(idr0, c.stallModel().code());
        idr0 = Idr0.ST_LEVEL.with(idr0, c.twoLevelStreamTable() ? 1 : 0);

        long idr1 = 0;
        idr1 = Idr1.SIDSIZE.with(idr1, c.sidBits());
        idr1 = Idr1.SSIDSIZE.with(idr1, c.ssidBits());
        idr1 = Idr1.PRIQS.with(idr1, c.pri() ? c.priqLog2() : 0);
        idr1 = Idr1.EVTQS.with(idr1, c.evtqLog2());
        idr1 = Idr1.CMDQS.with(idr1, c.cmdqLog2());

        long idr3 = Idr3.RIL.with(0, c.ril());

        long idr5 = 0;
        idr5 = Idr5.OAS.with(idr5, Idr5.oasEncoding(c.oasBits()));
        idr5 = Idr5.GRAN4K.with(idr5, true);
        idr5 = Idr5.STALL_MAX.with(idr5, c.stallModel().canStall() ? c.stallMax() : 0);

        return new IdRegisters((int) idr0, (int) idr1, (int) idr3, (int) idr5);
    }
}
