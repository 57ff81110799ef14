package org.svafabric.device.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.device.DevicePcieApi;
import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultKind;
import org.svafabric.api.timing.DmaEvent;
import org.svafabric.device.Devices;
import org.svafabric.device.pcie.PcieFunction;
import org.svafabric.api.wire.PrgResponseCode;

/**
 * What the SMMU and its driver (iommu-service) send a PCIe function: capability control at SVA
 * init, ATS Invalidation Requests, PRG Responses.
 */
@RestController
public class PcieController implements DevicePcieApi {
    private final Devices devices;
    private final FaultInjector faults;

    public PcieController(Devices devices, FaultInjector faults) {
        this.faults = faults;
        this.devices = devices;
    }

    @Override
    public ResponseEntity<Void> enable(String id, DeviceRequests.PcieControl body) {
        function(id).control(on(body.pasid()), on(body.pri()), on(body.ats()), body.outstandingPageRequests());
        return ResponseEntity.noContent().build();
    }

    /** A flag set to true names a capability to disable. */
    @Override
    public ResponseEntity<Void> disable(String id, DeviceRequests.PcieControl body) {
        function(id).control(off(body.pasid()), off(body.pri()), off(body.ats()), null);
        return ResponseEntity.noContent().build();
    }

    private static Boolean on(Boolean flag) {
        return Boolean.TRUE.equals(flag) ? Boolean.TRUE : null;
    }

    private static Boolean off(Boolean flag) {
        return Boolean.TRUE.equals(flag) ? Boolean.FALSE : null;
    }

    /** Answers only once the entries are gone and the accesses that may have used them finished. */
    @Override
    public DeviceViews.AtcInvalidated atcInvalidate(String id, DeviceRequests.AtcInvalidation body) {
        PcieFunction f = function(id);
        if (f.atc() == null) {
            throw ErrnoException.invalid("device " + id + " has no ATS capability");
        }
        if (body.addr() == null) {
            throw ErrnoException.invalid("addr is required");
        }
        long size = body.size() == null ? 0 : body.size();
        if (size < 0) {
            throw ErrnoException.invalid("size must not be negative (0: the whole address space)");
        }
        int dropped = f.atc().invalidate(Args.optionalPasid(body.pasid()), body.addr().value(), size, Boolean.TRUE.equals(body.global()));
        // atc-inv-timeout: the entries are gone (no access can use them) but the Invalidation Completion is late.
        faults.fire(FaultKind.ATC_INV_TIMEOUT, id).ifPresent(late -> completionLate(late.delayOrDefault()));
        return new DeviceViews.AtcInvalidated(dropped);
    }

    @Override
    public ResponseEntity<Void> prgResponse(String id, DeviceRequests.PrgResponse body) {
        PcieFunction f = function(id);
        if (f.pri() == null) {
            throw ErrnoException.invalid("device " + id + " has no PRI capability");
        }
        PrgResponseCode code = body.code();
        if (code == null) {
            throw ErrnoException.invalid("code must be SUCCESS, INVALID or FAILURE");
        }
        if (body.prgIndex() == null || body.prgIndex() < 0 || body.prgIndex() >= 512) {
            throw ErrnoException.invalid("prgIndex must be 0..511");
        }
        // A response for no outstanding group is the device's business (Status.UPRGI), not the sender's error.
        DmaEvent.FaultKinds kinds = body.faults();
        if (kinds != null && (kinds.minor() < 0 || kinds.major() < 0 || kinds.swapIn() < 0)) {
            throw ErrnoException.invalid("faults counts must not be negative");
        }
        f.pri().respond(body.prgIndex(), Args.optionalPasid(body.pasid()), code, kinds);
        return ResponseEntity.noContent().build();
    }

    private static void completionLate(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private PcieFunction function(String id) {
        PcieFunction f = devices.get(id).device().pcie();
        if (f == null) {
            throw ErrnoException.invalid("device " + id + " is a platform device, not a PCIe function");
        }
        return f;
    }
}
