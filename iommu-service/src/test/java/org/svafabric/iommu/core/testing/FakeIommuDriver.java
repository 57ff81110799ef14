package org.svafabric.iommu.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.wire.PrgResponseCode;
import org.svafabric.iommu.core.port.Device;
import org.svafabric.iommu.core.port.IommuDriverOps;
import org.svafabric.iommu.core.port.SvaSupport;
import org.svafabric.iommu.hw.layout.Cd;

/**
 * An arm-smmu-v3 driver that keeps the CDs it was asked to install in a map and records every call in
 * order. Installing a CD twice or clearing one that is not there fails loudly: the core must never do it.
 */
public final class FakeIommuDriver implements IommuDriverOps {

    public record Cd(long pgd, int asid, boolean stall) {
    }

    public record PageResponse(String device, OptionalInt pasid, int prgIndex, PrgResponseCode code) {
    }

    public record Resume(String device, int stag, boolean retry) {
    }

    public record Invalidation(List<String> devices, int pasid, int asid, long start, long end, boolean btm) {
    }

    public final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    public final Map<String, Cd> cds = new ConcurrentHashMap<>();
    public final List<PageResponse> responses = Collections.synchronizedList(new ArrayList<>());
    public final List<Resume> resumes = Collections.synchronizedList(new ArrayList<>());
    public final List<Invalidation> invalidations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Optional<SvaSupport>> support = new HashMap<>();
    private SvaSupport defaultSupport = new SvaSupport(20, true, true);
    /** Runs inside attach, after the CD is written; a test uses it to start a race at that point. */
    public volatile Consumer<String> afterAttach = key -> {
    };
    public volatile Consumer<String> beforeDetach = key -> {
    };
    public volatile RuntimeException failAttach;
    /** Thrown by pageResponse and resume when set: the command queue could not take the response. */
    public volatile RuntimeException failResponses;

    public FakeIommuDriver support(String device, Optional<SvaSupport> s) {
        support.put(device, s);
        return this;
    }

    public FakeIommuDriver defaultSupport(SvaSupport s) {
        defaultSupport = s;
        return this;
    }

    public static String key(String device, int pasid) {
        return device + ":" + pasid;
    }

    public List<String> callsFor(String prefix) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.startsWith(prefix)).toList();
        }
    }

    @Override
    public Optional<SvaSupport> svaSupport(Device device) {
        return support.getOrDefault(device.id(), Optional.of(defaultSupport));
    }

    @Override
    public void enableSva(Device device, boolean iopf) {
        calls.add("enable " + device.id() + (iopf ? " iopf" : ""));
    }

    @Override
    public void attach(Device device, int pasid, long pgd, int asid, boolean stall) {
        if (failAttach != null) {
            throw failAttach;
        }
        String key = key(device.id(), pasid);
        if (cds.putIfAbsent(key, new Cd(pgd, asid, stall)) != null) {
            throw new IllegalStateException("CD " + key + " installed twice");
        }
        calls.add("attach " + key);
        afterAttach.accept(key);
    }

    @Override
    public void detach(Device device, int pasid, int asid) {
        String key = key(device.id(), pasid);
        beforeDetach.accept(key);
        Cd cd = cds.remove(key);
        if (cd == null) {
            throw new IllegalStateException("CD " + key + " cleared but not installed");
        }
        if (cd.asid() != asid) {
            throw new IllegalStateException("CD " + key + " had ASID " + cd.asid() + ", TLBI for " + asid);
        }
        calls.add("detach " + key);
    }

    @Override
    public void invalidateRange(List<Device> devices, int pasid, int asid, long start, long end, boolean btm) {
        invalidations.add(new Invalidation(devices.stream().map(Device::id).sorted().toList(), pasid, asid, start, end, btm));
    }

    @Override
    public void drainFaults(Device device) {
        calls.add("drain " + device.id());
    }

    @Override
    public void pageResponse(Device device, OptionalInt pasid, int prgIndex, PrgResponseCode code) {
        if (failResponses != null) {
            throw failResponses;
        }
        responses.add(new PageResponse(device.id(), pasid, prgIndex, code));
        calls.add("response " + device.id() + " prg " + prgIndex + " " + code);
    }

    @Override
    public void resume(Device device, int stag, boolean retry) {
        if (failResponses != null) {
            throw failResponses;
        }
        resumes.add(new Resume(device.id(), stag, retry));
        calls.add("resume " + device.id() + " stag " + stag + (retry ? " retry" : " abort"));
    }

    @Override
    public void resetDevice(Device device) {
        calls.add("reset " + device.id());
    }

    public static ErrnoException timeout() {
        return new ErrnoException(Errno.ETIMEDOUT, "cmd-sync-timeout", "CMD_SYNC did not complete");
    }
}
