package org.svafabric.iommu.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.device.DevicePcieApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.iopf.FaultKindNotes;
import org.svafabric.iommu.hw.cmd.CmdAtcInv;
import org.svafabric.iommu.hw.pcie.PcieLink;

/**
 * The SMMU's PCIe side ({@link PcieLink}) over device-service: ATS Invalidation Requests and PRG Responses.
 * Both leave the command-queue consumer at once and travel on {@code executor}, as messages do on the link:
 * the invalidation's completion arrives later (a CMD_SYNC waits for it), a PRG response is fire and forget.
 */
public final class RestDevicePort implements PcieLink {
    private static final Logger log = LoggerFactory.getLogger(RestDevicePort.class);

    private final DevicePcieApi device;
    private final IntFunction<String> deviceOfSid;
    private final Executor executor;
    private final FaultKindNotes faultKinds;

    /** @param deviceOfSid the device id behind a StreamID, or null for a StreamID nobody uses */
    public RestDevicePort(DevicePcieApi device, IntFunction<String> deviceOfSid, Executor executor) {
        this(device, deviceOfSid, executor, new FaultKindNotes());
    }

    /** {@code faultKinds}: what the IOPF handler noted for each group, carried on its PRG response for the device's timing model. */
    public RestDevicePort(DevicePcieApi device, IntFunction<String> deviceOfSid, Executor executor, FaultKindNotes faultKinds) {
        this.faultKinds = faultKinds;
        this.device = device;
        this.deviceOfSid = deviceOfSid;
        this.executor = executor;
    }

    @Override
    public CompletionStage<Void> atcInvalidate(int sid, int ssid, long addr, int log2Pages, boolean global) {
        String id = deviceOfSid.apply(sid);
        if (id == null) {
            // No endpoint answers at that RequesterID: the root complex completes it with UR.
            return CompletableFuture.failedFuture(new ErrnoException(Errno.ENODEV, "no-such-stream",
                    "no device at StreamID 0x" + Integer.toHexString(sid)));
        }
        // The ATS request spans 4 KiB << Size bytes; device-service takes 0 for "everything".
        long size = log2Pages >= CmdAtcInv.SIZE_ALL ? 0 : 4096L << log2Pages;
        DeviceRequests.AtcInvalidation body = new DeviceRequests.AtcInvalidation(ssid < 0 ? null : ssid, Addr.of(addr),
                size, global);
        return CompletableFuture.runAsync(() -> device.atcInvalidate(id, body), executor);
    }

    @Override
    public void pageResponse(int sid, int ssid, boolean pasidValid, int prgIndex, PrgResponseCode code) {
        String id = deviceOfSid.apply(sid);
        if (id == null) {
            log.warn("PRG response for StreamID 0x{} dropped: no device there", Integer.toHexString(sid));
            return;
        }
        DeviceRequests.PrgResponse body = new DeviceRequests.PrgResponse(prgIndex, pasidValid ? ssid : null, code,
                faultKinds.takeGroup(id, prgIndex));
        executor.execute(() -> {
            try {
                device.prgResponse(id, body);
            } catch (RuntimeException e) {
                // Fire and forget, as on PCIe: the device's own PRG response timeout covers a lost message.
                log.warn("PRG response {} to {} PRGI {} not delivered: {}", code, id, prgIndex, e.getMessage());
            }
        });
    }

}
