package org.svafabric.iommu.hw.regs;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.topology.SmmuDescription;
import org.svafabric.iommu.hw.layout.Idr5;
import org.svafabric.iommu.hw.layout.Httu;
import org.svafabric.iommu.hw.layout.StallModel;

/**
 * What this SMMU implements: the values the ID registers report (IDR0, IDR1, IDR3, IDR5) and the sizes of
 * its caches. The service binds it from the topology ({@link #from(SmmuDescription)}); tests build variants
 * with {@link #builder()}.
 *
 * @param sidBits          IDR1.SIDSIZE: StreamID width
 * @param ssidBits         IDR1.SSIDSIZE: SubstreamID (PASID) width, 0 when substreams are not supported
 * @param twoLevelStreamTable IDR0.ST_LEVEL = 0b01: 2-level stream tables supported
 * @param twoLevelCdTable  IDR0.CD2L: 2-level CD tables supported
 * @param ats              IDR0.ATS
 * @param pri              IDR0.PRI (RES0 without ATS)
 * @param stallModel       IDR0.STALL_MODEL
 * @param stallMax         IDR5.STALL_MAX: stalled transactions the SMMU can hold at once
 * @param btm              IDR0.BTM: broadcast TLB maintenance
 * @param httu             IDR0.HTTU
 * @param ril              IDR3.RIL: range invalidation
 * @param oasBits          IDR5.OAS as a number of bits (32, 36, 40, 42, 44, 48, 52)
 * @param coherent         IDR0.COHACC: coherent table walks and queue accesses
 * @param asid16           IDR0.ASID16
 * @param msi              IDR0.MSI
 * @param sev              IDR0.SEV
 * @param hyp              IDR0.Hyp: STE.STRW may select the EL2-E2H regime (with SMMU_CR2.E2H)
 * @param cmdqLog2         IDR1.CMDQS
 * @param evtqLog2         IDR1.EVTQS
 * @param priqLog2         IDR1.PRIQS
 * @param tlbEntries       IOTLB entries
 * @param tlbWays          IOTLB associativity
 * @param walkCacheEntries walk-cache entries (table descriptors of levels 0-2)
 * @param steCacheEntries  configuration-cache entries for STEs
 * @param cdCacheEntries   configuration-cache entries for CDs
 */
public record SmmuConfig(int sidBits, int ssidBits, boolean twoLevelStreamTable, boolean twoLevelCdTable,
                         boolean ats, boolean pri, StallModel stallModel, int stallMax, boolean btm, Httu httu,
                         boolean ril, int oasBits, boolean coherent, boolean asid16, boolean msi, boolean sev,
                         boolean hyp, int cmdqLog2, int evtqLog2, int priqLog2, int tlbEntries, int tlbWays,
                         int walkCacheEntries, int steCacheEntries, int cdCacheEntries) {

    public SmmuConfig {
        List<String> p = problems(sidBits, ssidBits, oasBits, cmdqLog2, evtqLog2, priqLog2, tlbEntries, tlbWays,
                walkCacheEntries, steCacheEntries, cdCacheEntries, stallMax);
        if (pri && !ats) {
            p.add("PRI requires ATS (IDR0.PRI is RES0 when IDR0.ATS == 0)");
        }
        if (!p.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", p));
        }
    }

    private static List<String> problems(int sidBits, int ssidBits, int oasBits, int cmdqLog2, int evtqLog2,
                                         int priqLog2, int tlbEntries, int tlbWays, int walkCacheEntries,
                                         int steCacheEntries, int cdCacheEntries, int stallMax) {
        List<String> p = new ArrayList<>();
        if (sidBits < 0 || sidBits > 32) {
            p.add("sidBits must be 0..32");
        }
        if (ssidBits < 0 || ssidBits > 20) {
            p.add("ssidBits must be 0..20");
        }
        if (Idr5.oasEncoding(oasBits) < 0) {
            p.add("oasBits must be one of 32, 36, 40, 42, 44, 48, 52");
        }
        for (int q : new int[]{cmdqLog2, evtqLog2, priqLog2}) {
            if (q < 0 || q > 19) {
                p.add("queue sizes (log2) must be 0..19");
                break;
            }
        }
        if (tlbWays < 1 || tlbEntries < tlbWays || tlbEntries % tlbWays != 0) {
            p.add("tlbEntries must be a positive multiple of tlbWays");
        }
        if (walkCacheEntries < 1 || steCacheEntries < 1 || cdCacheEntries < 1) {
            p.add("cache sizes must be positive");
        }
        if (stallMax < 0 || stallMax > 0xffff) {
            p.add("stallMax must fit IDR5.STALL_MAX (16 bits)");
        }
        return p;
    }

    /** The topology's description, with the model's own cache sizes. */
    public static SmmuConfig from(SmmuDescription d) {
        return builder()
                .sidBits(d.sidBits()).ssidBits(d.ssidBits())
                .ats(d.ats()).pri(d.pri() && d.ats())
                .stallModel(StallModel.of(d.stallModel()))
                .btm(d.btm()).httu(Httu.of(d.httu())).ril(d.ril()).oasBits(d.oasBits())
                .coherent(d.coherent()).asid16(d.asid16()).msi(d.msi()).sev(d.sev()).hyp(d.e2h())
                .cmdqLog2(d.cmdqLog2()).evtqLog2(d.evtqLog2()).priqLog2(d.priqLog2())
                .tlbEntries(d.tlbEntries()).tlbWays(d.tlbWays())
                .build();
    }

    public static SmmuConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static final class Builder {
        private int sidBits = 16;
        private int ssidBits = 20;
        private boolean twoLevelStreamTable = true;
        private boolean twoLevelCdTable = true;
        private boolean ats = true;
        private boolean pri = true;
        private StallModel stallModel = StallModel.STALL_AND_TERMINATE;
        private int stallMax = 256;
        private boolean btm = false;
        private Httu httu = Httu.HA_HD;
        private boolean ril = true;
        private int oasBits = 48;
        private boolean coherent = true;
        private boolean asid16 = true;
        private boolean msi = true;
        private boolean sev = true;
        private boolean hyp = false;
        private int cmdqLog2 = 8;
        private int evtqLog2 = 7;
        private int priqLog2 = 7;
        private int tlbEntries = 2048;
        private int tlbWays = 4;
        private int walkCacheEntries = 256;
        private int steCacheEntries = 1024;
        private int cdCacheEntries = 4096;

        private Builder() {
        }

        private Builder(SmmuConfig c) {
            sidBits = c.sidBits;
            ssidBits = c.ssidBits;
            twoLevelStreamTable = c.twoLevelStreamTable;
            twoLevelCdTable = c.twoLevelCdTable;
            ats = c.ats;
            pri = c.pri;
            stallModel = c.stallModel;
            stallMax = c.stallMax;
            btm = c.btm;
            httu = c.httu;
            ril = c.ril;
            oasBits = c.oasBits;
            coherent = c.coherent;
            asid16 = c.asid16;
            msi = c.msi;
            sev = c.sev;
            hyp = c.hyp;
            cmdqLog2 = c.cmdqLog2;
            evtqLog2 = c.evtqLog2;
            priqLog2 = c.priqLog2;
            tlbEntries = c.tlbEntries;
            tlbWays = c.tlbWays;
            walkCacheEntries = c.walkCacheEntries;
            steCacheEntries = c.steCacheEntries;
            cdCacheEntries = c.cdCacheEntries;
        }

        public Builder sidBits(int v) { sidBits = v; return this; }
        public Builder ssidBits(int v) { ssidBits = v; return this; }
        public Builder twoLevelStreamTable(boolean v) { twoLevelStreamTable = v; return this; }
        public Builder twoLevelCdTable(boolean v) { twoLevelCdTable = v; return this; }
        public Builder ats(boolean v) { ats = v; return this; }
        public Builder pri(boolean v) { pri = v; return this; }
        public Builder stallModel(StallModel v) { stallModel = v; return this; }
        public Builder stallMax(int v) { stallMax = v; return this; }
        public Builder btm(boolean v) { btm = v; return this; }
        public Builder httu(Httu v) { httu = v; return this; }
        public Builder ril(boolean v) { ril = v; return this; }
        public Builder oasBits(int v) { oasBits = v; return this; }
        public Builder coherent(boolean v) { coherent = v; return this; }
        public Builder asid16(boolean v) { asid16 = v; return this; }
        public Builder msi(boolean v) { msi = v; return this; }
        public Builder sev(boolean v) { sev = v; return this; }
        public Builder hyp(boolean v) { hyp = v; return this; }
        public Builder cmdqLog2(int v) { cmdqLog2 = v; return this; }
        public Builder evtqLog2(int v) { evtqLog2 = v; return this; }
        public Builder priqLog2(int v) { priqLog2 = v; return this; }
        public Builder tlbEntries(int v) { tlbEntries = v; return this; }
        public Builder tlbWays(int v) { tlbWays = v; return this; }
        public Builder walkCacheEntries(int v) { walkCacheEntries = v; return this; }
        public Builder steCacheEntries(int v) { steCacheEntries = v; return this; }
        public Builder cdCacheEntries(int v) { cdCacheEntries = v; return this; }

        public SmmuConfig build() {
            return new SmmuConfig(sidBits, ssidBits, twoLevelStreamTable, twoLevelCdTable, ats, pri, stallModel,
                    stallMax, btm, httu, ril, oasBits, coherent, asid16, msi, sev, hyp, cmdqLog2, evtqLog2,
                    priqLog2, tlbEntries, tlbWays, walkCacheEntries, steCacheEntries, cdCacheEntries);
        }
    }
}
