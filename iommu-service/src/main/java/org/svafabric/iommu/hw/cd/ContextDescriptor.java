package org.svafabric.iommu.hw.cd;

/**
 * One CD as data (the fields this SMMU interprets), with its encoding into and decoding from the eight
 * 64-bit words in RAM. Decoding never fails; {@link CdCheck} decides whether the CD is usable.
 */
public record ContextDescriptor(int t0sz, int tg0, int ir0, int or0, int sh0, boolean epd0, boolean endi,
                                boolean epd1, boolean valid, int ips, boolean affd, boolean tbi0, boolean aa64,
                                boolean hd, boolean ha, boolean s, boolean r, boolean a, boolean aset, int asid,
                                long ttb0, long mair) {

    public static final ContextDescriptor INVALID = new ContextDescriptor(0, 0, 0, 0, 0, false, false, false, false,
            0, false, false, false, false, false, false, false, false, false, 0, 0, 0);

    /**
     * A CD sharing a process address space, as the SVA series builds it ({@code arm_smmu_alloc_shared_cd}):
     * TTB0 = the process pgd, T0SZ for 48-bit VAs, 4 KiB granule, WBWA inner-shareable walks, EPD1 (no
     * kernel half), IPS {@code ips}, AArch64, R and A, ASET = 0 (shared with the CPU: broadcast TLBIs apply),
     * HA/HD as given, S for stall-capable masters, TBI off.
     */
    public static ContextDescriptor shared(long pgd, int asid, int ips, boolean ha, boolean hd, boolean stall, long mair) {
        return new ContextDescriptor(16, Cd.TG0_4K, Cd.RGN_WBWA, Cd.RGN_WBWA, Cd.SH_IS, false, false, true, true,
                ips, false, false, true, hd, ha, stall, true, true, false, asid, pgd, mair);
    }

    public ContextDescriptor withValid(boolean v) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, v, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withT0sz(int t) {
        return new ContextDescriptor(t, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withTg0(int t) {
        return new ContextDescriptor(t0sz, t, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withEpd0(boolean e) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, e, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withIps(int i) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, i, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withAffd(boolean f) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, f, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withTbi0(boolean t) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, t, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withAa64(boolean x) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, x, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withEndi(boolean x) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, x, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withHttu(boolean newHa, boolean newHd) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, newHd, newHa, s, r, a, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withFaultConfig(boolean newA, boolean newR, boolean newS) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, newS, newR, newA, aset, asid, ttb0, mair);
    }

    public ContextDescriptor withAset(boolean x) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, x, asid, ttb0, mair);
    }

    public ContextDescriptor withAsid(int x) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, x, ttb0, mair);
    }

    public ContextDescriptor withTtb0(long x) {
        return new ContextDescriptor(t0sz, tg0, ir0, or0, sh0, epd0, endi, epd1, valid, ips, affd, tbi0, aa64, hd, ha, s, r, a, aset, asid, x, mair);
    }

    public long[] encode() {
        long[] w = new long[Cd.WORDS];
        Cd.T0SZ.set(w, t0sz);
        Cd.TG0.set(w, tg0);
        Cd.IR0.set(w, ir0);
        Cd.OR0.set(w, or0);
        Cd.SH0.set(w, sh0);
        Cd.EPD0.set(w, epd0);
        Cd.ENDI.set(w, endi);
        Cd.EPD1.set(w, epd1);
        Cd.V.set(w, valid);
        Cd.IPS.set(w, ips);
        Cd.AFFD.set(w, affd);
        Cd.TBI0.set(w, tbi0);
        Cd.AA64.set(w, aa64);
        Cd.HD.set(w, hd);
        Cd.HA.set(w, ha);
        Cd.S.set(w, s);
        Cd.R.set(w, r);
        Cd.A.set(w, a);
        Cd.ASET.set(w, aset);
        Cd.ASID.set(w, asid);
        Cd.TTB0.setAddress(w, ttb0);
        Cd.MAIR.set(w, mair);
        return w;
    }

    public static ContextDescriptor decode(long[] w) {
        return new ContextDescriptor((int) Cd.T0SZ.get(w), (int) Cd.TG0.get(w), (int) Cd.IR0.get(w),
                (int) Cd.OR0.get(w), (int) Cd.SH0.get(w), Cd.EPD0.isSet(w), Cd.ENDI.isSet(w), Cd.EPD1.isSet(w),
                Cd.V.isSet(w), (int) Cd.IPS.get(w), Cd.AFFD.isSet(w), Cd.TBI0.isSet(w), Cd.AA64.isSet(w),
                Cd.HD.isSet(w), Cd.HA.isSet(w), Cd.S.isSet(w), Cd.R.isSet(w), Cd.A.isSet(w), Cd.ASET.isSet(w),
                (int) Cd.ASID.get(w), Cd.TTB0.getAddress(w), Cd.MAIR.get(w));
    }
}
