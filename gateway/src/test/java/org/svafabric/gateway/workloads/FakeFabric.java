package org.svafabric.gateway.workloads;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.ModelTime;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.gateway.security.Caller;

/**
 * An in-memory fabric for orchestrator tests: processes with byte-array memory, bonds, VFIO
 * containers whose IOVAs resolve to a process's buffers, and a DMA engine that really copies.
 * It counts what is alive, so tests can check that teardown leaves nothing behind.
 */
class FakeFabric implements WorkloadFabric {
    final Map<String, DeviceInfo> devices = new HashMap<>();
    final Map<Long, Map<Long, byte[]>> memory = new ConcurrentHashMap<>();
    final Set<Long> touched = ConcurrentHashMap.newKeySet();
    final Map<Integer, Long> pasidOwner = new ConcurrentHashMap<>();
    final Set<String> bonds = ConcurrentHashMap.newKeySet();
    final Map<Long, Map<Long, long[]>> containers = new ConcurrentHashMap<>();
    final AtomicLong pinnedPages = new AtomicLong();
    final AtomicLong reclaims = new AtomicLong();
    final AtomicInteger jobsRun = new AtomicInteger();
    private final AtomicLong nextPid = new AtomicLong(100);
    private final AtomicLong nextAddr = new AtomicLong(0x7f00_0000_0000L);
    private final AtomicInteger nextPasid = new AtomicInteger(1);
    private final AtomicLong nextContainer = new AtomicLong(1);
    private final Map<Long, Integer> pasidOfPid = new ConcurrentHashMap<>();

    /** When set, a job for which this answers true does nothing but still says COMPLETED (a broken engine). */
    volatile Predicate<Integer> lazyJob = n -> false;
    /** When set, the n-th bind fails. */
    volatile int failBindNumber = -1;
    /** Model nanos a job reports (null: no timing model). */
    volatile Long modelNanos;
    private final AtomicInteger binds = new AtomicInteger();

    FakeFabric() {
        devices.put("sva0", new DeviceInfo("sva0", 8, 2, 20, true, false, true, 256, false));
        devices.put("sva1", new DeviceInfo("sva1", 8, 2, 16, true, false, true, 512, false));
        devices.put("classic", new DeviceInfo("classic", 4, 1, 0, false, false, false, 768, false));
        devices.put("taken", new DeviceInfo("taken", 4, 1, 0, false, false, false, 1024, true));
    }

    long liveProcesses() {
        return memory.size();
    }

    @Override
    public DeviceInfo device(String id) {
        DeviceInfo d = devices.get(id);
        if (d == null) {
            throw new ErrnoException(Errno.ENODEV, "no-such-device", "no device " + id);
        }
        return d;
    }

    @Override
    public TimingTable timing() {
        return TimingTable.defaults();
    }

    @Override
    public long freeFrames() {
        return 262_144;
    }

    @Override
    public long createProcess(Caller caller, String name) {
        long pid = nextPid.incrementAndGet();
        memory.put(pid, new ConcurrentHashMap<>());
        return pid;
    }

    @Override
    public void exitProcess(Caller caller, long pid) {
        if (memory.remove(pid) == null) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no process " + pid);
        }
        Integer pasid = pasidOfPid.remove(pid);
        if (pasid != null) {
            bonds.removeIf(b -> b.endsWith("/" + pasid));
        }
    }

    @Override
    public long mmap(Caller caller, long pid, long length, boolean populate) {
        long addr = nextAddr.getAndAdd(length + 4096);
        mem(pid).put(addr, new byte[(int) length]);
        if (populate) {
            touched.add(addr);
        }
        return addr;
    }

    @Override
    public void munmap(Caller caller, long pid, long addr, long length) {
        mem(pid).remove(addr);
        touched.remove(addr);
    }

    @Override
    public void write(Caller caller, long pid, long addr, byte[] data) {
        Map.Entry<Long, byte[]> r = region(pid, addr);
        System.arraycopy(data, 0, r.getValue(), (int) (addr - r.getKey()), data.length);
        touched.add(r.getKey());
    }

    @Override
    public byte[] read(Caller caller, long pid, long addr, int length) {
        Map.Entry<Long, byte[]> r = region(pid, addr);
        byte[] out = new byte[length];
        System.arraycopy(r.getValue(), (int) (addr - r.getKey()), out, 0, length);
        return out;
    }

    @Override
    public long reclaim(Caller caller, long pid, long addr, long length) {
        reclaims.incrementAndGet();
        touched.remove(addr);
        return length / 4096;
    }

    @Override
    public void svaInit(String device) {
    }

    @Override
    public int bind(Caller caller, String device, long pid) {
        if (binds.incrementAndGet() == failBindNumber) {
            throw new ErrnoException(Errno.ENOSPC, "pasid-exhausted", "no PASID left");
        }
        int pasid = pasidOfPid.computeIfAbsent(pid, p -> nextPasid.getAndIncrement());
        pasidOwner.put(pasid, pid);
        bonds.add(device + "/" + pasid);
        return pasid;
    }

    @Override
    public void unbind(Caller caller, String device, int pasid) {
        if (!bonds.remove(device + "/" + pasid)) {
            throw new ErrnoException(Errno.ESRCH, "no-such-bond", "no bond " + pasid + " on " + device);
        }
    }

    @Override
    public long openContainer(Caller caller, long pid, List<String> devs) {
        long c = nextContainer.getAndIncrement();
        containers.put(c, new ConcurrentHashMap<>());
        containerPid.put(c, pid);
        return c;
    }

    private final Map<Long, Long> containerPid = new ConcurrentHashMap<>();

    @Override
    public void mapDma(Caller caller, long container, long vaddr, long iova, long size) {
        containers.get(container).put(iova, new long[] {vaddr, size});
        pinnedPages.addAndGet(size / 4096);
        touched.add(vaddr);
    }

    @Override
    public void unmapDma(Caller caller, long container, long iova, long size) {
        long[] m = containers.get(container).remove(iova);
        pinnedPages.addAndGet(-m[1] / 4096);
    }

    @Override
    public void closeContainer(Caller caller, long container) {
        for (long[] m : containers.remove(container).values()) {
            pinnedPages.addAndGet(-m[1] / 4096);
        }
        containerPid.remove(container);
    }

    @Override
    public DeviceViews.Job runJob(Caller caller, String device, boolean viaContainer, DeviceRequests.Job body) {
        int n = jobsRun.incrementAndGet();
        long pid;
        long dst = body.dst().value();
        long src = body.src() != null ? body.src().value() : 0;
        if (body.pasid() != null) {
            pid = pasidOwner.get(body.pasid());
        } else {
            long c = containers.keySet().iterator().next();
            pid = containerPid.get(c);
            dst = translate(c, dst);
            src = src == 0 ? 0 : translate(c, src);
        }
        int len = (int) (long) body.length();
        boolean fault = !touched.contains(region(pid, dst).getKey());
        if (!lazyJob.test(n)) {
            byte[] out = new byte[len];
            if ("memcpy".equals(body.op())) {
                out = read(caller, pid, src, len);
            } else {
                java.util.Arrays.fill(out, (byte) (int) body.value());
            }
            write(caller, pid, dst, out);
        }
        DeviceViews.Faults faults = new DeviceViews.Faults(fault ? len / 4096 : 0, fault ? 1 : 0, 0, 0);
        ModelTime model = modelNanos == null ? null
                : new ModelTime(modelNanos, java.util.Map.of("transfer", modelNanos / 2, "ats", modelNanos / 2));
        return new DeviceViews.Job("job-" + n, device, body.pasid(), null, body.op(), "COMPLETED", len, len, faults,
                100L + n, null, null, null, model, fault ? List.of(40L, 60L) : null);
    }

    private long translate(long container, long iova) {
        for (Map.Entry<Long, long[]> e : containers.get(container).entrySet()) {
            if (iova >= e.getKey() && iova < e.getKey() + e.getValue()[1]) {
                return e.getValue()[0] + (iova - e.getKey());
            }
        }
        throw new ErrnoException(Errno.EFAULT, "unmapped", "IOVA " + Addr.hex(iova) + " not mapped");
    }

    @Override
    public List<String> invalidationEvents(String type, Integer pasid, List<String> devs, Instant from) {
        return "TLBI".equals(type) ? List.of("NH_VA asid 3 va 0x1000 (+2 more)", "NH_ASID asid 3") : List.of("x");
    }

    /** Two SMMUs whose page-request counter grows by a job's worth on every read: the report takes the difference. */
    private final java.util.concurrent.atomic.AtomicLong smmuReads = new java.util.concurrent.atomic.AtomicLong();

    @Override
    public Map<String, Map<String, Long>> smmuCounters() {
        long n = smmuReads.getAndIncrement();
        Map<String, Map<String, Long>> out = new java.util.LinkedHashMap<>();
        out.put("smmu0", Map.of("smmu.priq.requests", 10 * n, "smmu.tlbi.commands", 3 * n));
        out.put("smmu1", Map.of("smmu.priq.requests", 5 * n, "smmu.btm.applied", 7 * n));
        return out;
    }

    private Map<Long, byte[]> mem(long pid) {
        Map<Long, byte[]> m = memory.get(pid);
        if (m == null) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "no process " + pid);
        }
        return m;
    }

    private Map.Entry<Long, byte[]> region(long pid, long addr) {
        for (Map.Entry<Long, byte[]> e : mem(pid).entrySet()) {
            if (addr >= e.getKey() && addr < e.getKey() + e.getValue().length) {
                return e;
            }
        }
        throw new ErrnoException(Errno.EFAULT, "bad-address", "no mapping at " + Addr.hex(addr) + " in " + pid);
    }

}
