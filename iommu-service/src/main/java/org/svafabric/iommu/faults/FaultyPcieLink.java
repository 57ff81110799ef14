package org.svafabric.iommu.faults;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultKind;
import org.svafabric.api.faults.FaultSpec;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.hw.pcie.PcieLink;

/**
 * The SMMU's PCIe link with its faults beside it. A PRG Response may be lost
 * ({@code prg-response-drop}: the device's PRG response timeout must fire and be reported), late
 * ({@code prg-response-delay}), or turned into Response Failure ({@code response-failure}: the
 * function stops sending page requests until software re-enables PRI). Every response, the SMMU's
 * automatic ones included, passes here. ATS invalidations pass unchanged: their fault lives in the
 * endpoint.
 */
public final class FaultyPcieLink implements PcieLink {
    private final PcieLink port;
    private final FaultInjector faults;
    private final IntFunction<String> deviceOfSid;
    private final ScheduledExecutorService timers;

    public FaultyPcieLink(PcieLink port, FaultInjector faults, IntFunction<String> deviceOfSid, ScheduledExecutorService timers) {
        this.port = port;
        this.faults = faults;
        this.deviceOfSid = deviceOfSid;
        this.timers = timers;
    }

    @Override
    public CompletionStage<Void> atcInvalidate(int sid, int ssid, long addr, int log2Pages, boolean global) {
        return port.atcInvalidate(sid, ssid, addr, log2Pages, global);
    }

    @Override
    public void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
        String device = deviceOfSid.apply(sid);
        if (faults.fire(FaultKind.PRG_RESPONSE_DROP, device).isPresent()) {
            return; // lost on the link: nothing tells the device
        }
        PrgResponseCode sent = faults.fire(FaultKind.RESPONSE_FAILURE, device).isPresent() ? PrgResponseCode.FAILURE : code;
        Optional<FaultSpec> late = faults.fire(FaultKind.PRG_RESPONSE_DELAY, device);
        if (late.isPresent()) {
            timers.schedule(() -> port.pageResponse(sid, ssid, pasidValid, prgIndex, sent), late.get().delayOrDefault(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        port.pageResponse(sid, ssid, pasidValid, prgIndex, sent);
    }
}
