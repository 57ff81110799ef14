package org.svafabric.device.api;

import java.util.List;

import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.json.Addr;
import org.svafabric.device.Device;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobStatus;
import org.svafabric.device.pcie.PcieFunction;

/** Model objects as the REST contract shows them. */
final class Views {
    private Views() {
    }

    static DeviceViews.Device device(Device d) {
        PcieFunction f = d.pcie();
        DeviceViews.Pcie pcie = f == null ? null
                : new DeviceViews.Pcie(f.pasidEnabled(), f.priEnabled(), f.atsEnabled(), f.outstandingAllocation(), f.priFailed());
        DeviceViews.Capabilities caps = new DeviceViews.Capabilities(d.pasidBits(), d.description().hasPri(),
                d.description().hasAts(), d.canStall());
        return new DeviceViews.Device(d.id(), d.description().type(), d.sid(), caps, d.description(), pcie, d.metrics().snapshot());
    }

    static DeviceViews.Job job(Job j) {
        // Status first: a final status guarantees the completion record's fields are written (they precede it).
        JobStatus status = j.status();
        Long latency = status.isFinal() ? j.latencyNanos() : null;
        DeviceViews.Faults faults = new DeviceViews.Faults(j.faults().pageRequests(), j.faults().groups(), j.faults().stalls(),
                j.faults().invalid());
        String error = j.error();
        if (error != null && j.event() != null && !error.contains(j.event())) {
            error = error + " (" + j.event() + ")";
        }
        return new DeviceViews.Job(j.id(), j.device(), j.pasid(), j.uid(), j.spec().op().wireName(), status.name(),
                j.spec().length(), j.bytes(), faults,
                latency == null ? null : latency / 1000, error, j.faultAddr() == null ? null : Addr.of(j.faultAddr()), j.result(),
                j.recorder().model(), j.recorder().prgRoundTripMicros(), unrecoverable(j));
    }

    private static List<DeviceViews.UnrecoverableFault> unrecoverable(Job j) {
        List<org.svafabric.device.engine.UnrecoverableFault> faults = j.unrecoverableFaults();
        if (faults.isEmpty()) {
            return null;
        }
        return faults.stream().map(f -> new DeviceViews.UnrecoverableFault(f.reason(), f.event(), f.pasid(), Addr.of(f.addr()),
                f.perm().isEmpty() ? null : f.perm())).toList();
    }
}
