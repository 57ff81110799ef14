package org.svafabric.iommu.hw.cmd;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.iommu.hw.pcie.PcieLink;
import org.svafabric.iommu.hw.stall.StallTable;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Regime;
import org.svafabric.iommu.hw.tlb.TlbInvalidation.Scope;

/**
 * Carries out every command except CMD_SYNC (which is about the queue itself and lives in
 * {@link CommandQueue}): configuration and TLB maintenance go to the translation side, ATC invalidations and
 * PRG responses to the endpoints, resumes to the stall table. The translation side's maintenance is done
 * when the call returns, so a later CMD_SYNC has only the endpoints' ATC completions left to wait for.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);

    private final CommandTarget target;
    private final PcieLink port;
    private final StallTable stalls;
    private final AtcInvalidationTracker atc;

    public CommandDispatcher(CommandTarget target, PcieLink port, StallTable stalls, AtcInvalidationTracker atc) {
        this.target = target;
        this.port = port;
        this.stalls = stalls;
        this.atc = atc;
    }

    public void dispatch(Command c) {
        switch (c.opcode()) {
            case CMD_PREFETCH_CONFIG -> prefetchConfig((CmdPrefetchConfig) c);
            case CMD_PREFETCH_ADDR -> prefetchAddr((CmdPrefetchAddr) c);
            case CMD_CFGI_STE -> target.invalidateSte(((CmdCfgiSte) c).sid(), 0);
            case CMD_CFGI_STE_RANGE -> cfgiSteRange((CmdCfgiSteRange) c);
            case CMD_CFGI_CD -> target.invalidateCd(((CmdCfgiCd) c).sid(), ((CmdCfgiCd) c).ssid());
            case CMD_CFGI_CD_ALL -> target.invalidateCd(((CmdCfgiCdAll) c).sid(), -1);
            case CMD_TLBI_NH_ALL, CMD_TLBI_NH_ASID, CMD_TLBI_NH_VA, CMD_TLBI_NH_VAA, CMD_TLBI_EL2_ALL,
                    CMD_TLBI_EL2_ASID, CMD_TLBI_EL2_VA, CMD_TLBI_EL2_VAA, CMD_TLBI_NSNH_ALL ->
                    target.invalidateTlb(tlbInvalidation((CmdTlbi) c));
            case CMD_ATC_INV -> atcInvalidate((CmdAtcInv) c);
            case CMD_PRI_RESP -> priResponse((CmdPriResp) c);
            case CMD_RESUME -> stalls.resume(((CmdResume) c).sid(), ((CmdResume) c).stag(), ((CmdResume) c).action());
            case CMD_STALL_TERM -> stalls.terminateStream(((CmdStallTerm) c).sid());
            default -> throw new IllegalStateException(c.opcode() + " is not dispatched here (CMD_SYNC) or was decoded although illegal");
        }
    }

    /**
     * CommandTarget counts StreamIDs as log2 (CMD_CFGI_STE: 0, one stream); the command's Range covers an
     * aligned block of 2^(Range+1) (IHI 0070 §4.3.2). CMD_CFGI_ALL (Range 31, all 2^32) becomes the
     * contract's 31, which covers every StreamID below 2^31, i.e. every StreamID unless IDR1.SIDSIZE is 32.
     */
    private void cfgiSteRange(CmdCfgiSteRange c) {
        target.invalidateSte(c.sid(), Math.min(c.range() + 1, 31));
    }

    private void prefetchConfig(CmdPrefetchConfig c) {
        target.prefetchConfig(c.sid(), c.ssv() ? c.ssid() : -1);
    }

    /**
     * Only the configuration part: "an implementation is not required to prefetch any, or all, entries
     * requested" (IHI 0070 §4.2.2), and TLB fills happen on the next translation anyway.
     */
    private void prefetchAddr(CmdPrefetchAddr c) {
        target.prefetchConfig(c.sid(), c.ssv() ? c.ssid() : -1);
    }

    /**
     * Global is meaningful only with a PASID ("The Global parameter is IGNORED when SSV == 0"). A port that
     * throws instead of returning a stage failed to send: that counts as an endpoint error, not a hang.
     */
    private void atcInvalidate(CmdAtcInv c) {
        CompletionStage<Void> completion;
        try {
            completion = port.atcInvalidate(c.sid(), c.ssv() ? c.ssid() : -1, c.alignedAddr(), c.size(),
                    c.ssv() && c.global());
        } catch (RuntimeException e) {
            completion = CompletableFuture.failedFuture(e);
        }
        atc.track(completion);
    }

    /** Fire and forget, as on PCIe: a failure to deliver is logged, and the endpoint's own timeout covers it. */
    private void priResponse(CmdPriResp c) {
        try {
            port.pageResponse(c.sid(), c.ssv() ? c.ssid() : 0, c.ssv(), c.prgIndex(), c.resp());
        } catch (RuntimeException e) {
            log.warn("PRG response to SID 0x{} PRGI {} not delivered: {}", Integer.toHexString(c.sid()), c.prgIndex(), e.toString());
        }
    }

    static TlbInvalidation tlbInvalidation(CmdTlbi c) {
        switch (c.opcode()) {
            case CMD_TLBI_NH_ALL:
                return TlbInvalidation.all(Regime.NH);
            case CMD_TLBI_NH_ASID:
                return TlbInvalidation.asid(Regime.NH, c.asid());
            case CMD_TLBI_NH_VA:
                return byAddress(Regime.NH, Scope.VA, c);
            case CMD_TLBI_NH_VAA:
                return byAddress(Regime.NH, Scope.VAA, c);
            case CMD_TLBI_EL2_ALL:
                return TlbInvalidation.all(Regime.EL2);
            case CMD_TLBI_EL2_ASID:
                return TlbInvalidation.asid(Regime.EL2, c.asid());
            case CMD_TLBI_EL2_VA:
                return byAddress(Regime.EL2, Scope.VA, c);
            case CMD_TLBI_EL2_VAA:
                return byAddress(Regime.EL2, Scope.VAA, c);
            case CMD_TLBI_NSNH_ALL:
                return TlbInvalidation.all(Regime.NSNH);
            default:
                throw new IllegalStateException(c.opcode() + " has no stage-1 meaning");
        }
    }

    private static TlbInvalidation byAddress(Regime regime, Scope scope, CmdTlbi c) {
        int asid = scope == Scope.VA ? c.asid() : 0;
        return new TlbInvalidation(regime, scope, asid, c.addr(), c.leaf(), c.tg(), c.num(), c.scale(), c.ttl());
    }
}
