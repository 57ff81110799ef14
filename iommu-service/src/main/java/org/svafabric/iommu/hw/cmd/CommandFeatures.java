package org.svafabric.iommu.hw.cmd;

/**
 * The ID-register facts that decide whether a command is legal on this SMMU and how SYNC signals; the lead
 * fills it from IDR0/IDR3 of the register file. The model implements stage 1 only (no S2P), no Secure or
 * Realm state, no MPAM/VMS and no DPT, so their commands are always CERROR_ILL.
 *
 * @param ril   IDR3.RIL: range invalidation and the TTL hint (otherwise NUM, SCALE, TG, TTL are RES0)
 * @param hyp   IDR0.HYP: the EL2 TLBI forms exist
 * @param ats   IDR0.ATS: CMD_ATC_INV is legal
 * @param pri   IDR0.PRI: CMD_PRI_RESP is legal
 * @param stall IDR0.STALL_MODEL != 0b01: CMD_RESUME and CMD_STALL_TERM are legal
 * @param msi   IDR0.MSI: CMD_SYNC's SIG_IRQ writes MSIData to MSIAddress
 * @param sev   IDR0.SEV: CMD_SYNC's SIG_SEV sends a wake-up event
 */
public record CommandFeatures(boolean ril, boolean hyp, boolean ats, boolean pri, boolean stall, boolean msi,
                              boolean sev) {

    /** Everything this model can offer. */
    public static CommandFeatures all() {
        return new CommandFeatures(true, true, true, true, true, true, true);
    }

    public CommandFeatures withRil(boolean value) {
        return new CommandFeatures(value, hyp, ats, pri, stall, msi, sev);
    }

    public CommandFeatures withAts(boolean value) {
        return new CommandFeatures(ril, hyp, value, pri, stall, msi, sev);
    }

    public CommandFeatures withPri(boolean value) {
        return new CommandFeatures(ril, hyp, ats, value, stall, msi, sev);
    }

    public CommandFeatures withStall(boolean value) {
        return new CommandFeatures(ril, hyp, ats, pri, value, msi, sev);
    }

    public CommandFeatures withHyp(boolean value) {
        return new CommandFeatures(ril, value, ats, pri, stall, msi, sev);
    }
}
