package org.svafabric.iommu.driver;

import org.svafabric.api.bits.Field;

/**
 * The register offsets and fields the driver programs, named as in Linux {@code arm-smmu-v3.h}
 * ({@code ARM_SMMU_IDR0}, {@code IDR0_ST_LVL}, ...). Like the kernel driver, the driver keeps its own
 * definition of the hardware interface; the SMMU model keeps the architecture's. The two meeting in RAM and
 * registers is what the driver's tests against the model check.
 */
public final class SmmuRegs {
    private SmmuRegs() {
    }

    public static final int IDR0 = 0x0;
    public static final Field IDR0_ST_LVL = Field.of("ST_LVL", 27, 2);
    public static final int IDR0_ST_LVL_2LVL = 1;
    public static final Field IDR0_STALL_MODEL = Field.of("STALL_MODEL", 24, 2);
    public static final int IDR0_STALL_MODEL_STALL = 0;
    public static final int IDR0_STALL_MODEL_FORCE = 2;
    public static final Field IDR0_TTENDIAN = Field.of("TTENDIAN", 21, 2);
    public static final Field IDR0_CD2L = Field.of("CD2L", 19, 1);
    public static final Field IDR0_PRI = Field.of("PRI", 16, 1);
    public static final Field IDR0_SEV = Field.of("SEV", 14, 1);
    public static final Field IDR0_MSI = Field.of("MSI", 13, 1);
    public static final Field IDR0_ASID16 = Field.of("ASID16", 12, 1);
    public static final Field IDR0_ATS = Field.of("ATS", 10, 1);
    public static final Field IDR0_HYP = Field.of("HYP", 9, 1);
    public static final Field IDR0_HTTU = Field.of("HTTU", 6, 2);
    public static final int IDR0_HTTU_ACCESS = 1;
    public static final int IDR0_HTTU_ACCESS_DIRTY = 2;
    public static final Field IDR0_BTM = Field.of("BTM", 5, 1);
    public static final Field IDR0_COHACC = Field.of("COHACC", 4, 1);
    public static final Field IDR0_TTF = Field.of("TTF", 2, 2);
    public static final int IDR0_TTF_AARCH64 = 2;
    public static final int IDR0_TTF_AARCH32_64 = 3;
    public static final Field IDR0_S1P = Field.of("S1P", 1, 1);
    public static final Field IDR0_S2P = Field.of("S2P", 0, 1);

    public static final int IDR1 = 0x4;
    public static final Field IDR1_TABLES_PRESET = Field.of("TABLES_PRESET", 30, 1);
    public static final Field IDR1_QUEUES_PRESET = Field.of("QUEUES_PRESET", 29, 1);
    public static final Field IDR1_REL = Field.of("REL", 28, 1);
    public static final Field IDR1_CMDQS = Field.of("CMDQS", 21, 5);
    public static final Field IDR1_EVTQS = Field.of("EVTQS", 16, 5);
    public static final Field IDR1_PRIQS = Field.of("PRIQS", 11, 5);
    public static final Field IDR1_SSIDSIZE = Field.of("SSIDSIZE", 6, 5);
    public static final Field IDR1_SIDSIZE = Field.of("SIDSIZE", 0, 6);

    public static final int IDR3 = 0xc;
    public static final Field IDR3_RIL = Field.of("RIL", 10, 1);

    public static final int IDR5 = 0x14;
    public static final Field IDR5_STALL_MAX = Field.of("STALL_MAX", 16, 16);
    public static final Field IDR5_VAX = Field.of("VAX", 10, 2);
    public static final Field IDR5_GRAN64K = Field.of("GRAN64K", 6, 1);
    public static final Field IDR5_GRAN16K = Field.of("GRAN16K", 5, 1);
    public static final Field IDR5_GRAN4K = Field.of("GRAN4K", 4, 1);
    public static final Field IDR5_OAS = Field.of("OAS", 0, 3);
    /** IDR5.OAS encodings 0..6: output address bits. */
    static final int[] OAS_BITS = {32, 36, 40, 42, 44, 48, 52};

    public static final int CR0 = 0x20;
    public static final Field CR0_ATSCHK = Field.of("ATSCHK", 4, 1);
    public static final Field CR0_CMDQEN = Field.of("CMDQEN", 3, 1);
    public static final Field CR0_EVTQEN = Field.of("EVTQEN", 2, 1);
    public static final Field CR0_PRIQEN = Field.of("PRIQEN", 1, 1);
    public static final Field CR0_SMMUEN = Field.of("SMMUEN", 0, 1);
    public static final int CR0ACK = 0x24;

    public static final int CR1 = 0x28;
    public static final int CR2 = 0x2c;
    public static final Field CR2_PTM = Field.of("PTM", 2, 1);
    public static final Field CR2_RECINVSID = Field.of("RECINVSID", 1, 1);
    public static final Field CR2_E2H = Field.of("E2H", 0, 1);

    public static final int IRQ_CTRL = 0x50;
    public static final Field IRQ_CTRL_EVTQ_IRQEN = Field.of("EVTQ_IRQEN", 2, 1);
    public static final Field IRQ_CTRL_PRIQ_IRQEN = Field.of("PRIQ_IRQEN", 1, 1);
    public static final Field IRQ_CTRL_GERROR_IRQEN = Field.of("GERROR_IRQEN", 0, 1);
    public static final int IRQ_CTRLACK = 0x54;

    public static final int GERROR = 0x60;
    public static final Field GERROR_CMDQ_ERR = Field.of("CMDQ_ERR", 0, 1);
    public static final Field GERROR_EVTQ_ABT_ERR = Field.of("EVTQ_ABT_ERR", 2, 1);
    public static final Field GERROR_PRIQ_ABT_ERR = Field.of("PRIQ_ABT_ERR", 3, 1);
    public static final Field GERROR_MSI_CMDQ_ABT_ERR = Field.of("MSI_CMDQ_ABT_ERR", 4, 1);
    public static final int GERRORN = 0x64;

    public static final int STRTAB_BASE = 0x80;
    public static final Field STRTAB_BASE_RA = Field.of("RA", 62, 1);
    public static final Field STRTAB_BASE_ADDR = Field.bits("ADDR", 0, 51, 6);
    public static final int STRTAB_BASE_CFG = 0x88;
    public static final Field STRTAB_BASE_CFG_FMT = Field.of("FMT", 16, 2);
    public static final int STRTAB_BASE_CFG_FMT_LINEAR = 0;
    public static final int STRTAB_BASE_CFG_FMT_2LVL = 1;
    public static final Field STRTAB_BASE_CFG_SPLIT = Field.of("SPLIT", 6, 5);
    public static final Field STRTAB_BASE_CFG_LOG2SIZE = Field.of("LOG2SIZE", 0, 6);

    public static final int CMDQ_BASE = 0x90;
    public static final int CMDQ_PROD = 0x98;
    public static final int CMDQ_CONS = 0x9c;
    public static final Field CMDQ_CONS_ERR = Field.of("ERR", 24, 7);

    public static final int EVTQ_BASE = 0xa0;
    /** Page 1 alias, as Linux uses ({@code ARM_SMMU_EVTQ_PROD 0x100a8}). */
    public static final int EVTQ_PROD = 0x100a8;
    public static final int EVTQ_CONS = 0x100ac;

    public static final int PRIQ_BASE = 0xc0;
    public static final int PRIQ_PROD = 0x100c8;
    public static final int PRIQ_CONS = 0x100cc;

    /** *_BASE: RWA [62], ADDR [51:5], LOG2SIZE [4:0] ({@code Q_BASE_*}). */
    public static final Field Q_BASE_RWA = Field.of("RWA", 62, 1);
    public static final Field Q_BASE_ADDR = Field.bits("ADDR", 0, 51, 5);
    public static final Field Q_BASE_LOG2SIZE = Field.of("LOG2SIZE", 0, 5);
    /** PROD.OVFLG / CONS.OVACKFLG ({@code Q_OVERFLOW_FLAG}). */
    public static final Field Q_OVERFLOW_FLAG = Field.of("OVFLG", 31, 1);

    /** Output address bits of an IDR5.OAS encoding; 0 for a reserved one. */
    static int oasBits(int oas) {
        return oas < OAS_BITS.length ? OAS_BITS[oas] : 0;
    }
}
