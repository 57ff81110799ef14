package org.svafabric.gateway.workloads;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.svafabric.api.device.DeviceRequests;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.timing.TimingTable;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.workloads.WorkloadFabric.DeviceInfo;
import org.svafabric.gateway.workloads.WorkloadRequest.FaultMode;
import org.svafabric.gateway.workloads.WorkloadRequest.Mode;
import org.svafabric.gateway.workloads.WorkloadRequest.Op;

/**
 * One workload from start to end: set up (processes, bonds or a VFIO container, buffers made
 * resident), the timed part ({@code concurrency} slots, each with one job in flight, plus the
 * reclaimer), and teardown, which runs whatever happened before it. Never throws: the outcome
 * says how it ended.
 *
 * <p>Each slot owns its buffers, so no two jobs in flight touch the same bytes and every check is
 * meaningful: a warm memcpy alternates between two sources of different contents into one
 * destination, so a job that did nothing leaves the other source's bytes behind and is caught.
 */
final class WorkloadRun {
    private static final int CHUNK = 4 << 20;
    private static final long IOVA_BASE = 0x1000_0000L;
    private static final Pattern MORE_TLBI = Pattern.compile("\\(\\+(\\d+) more\\)");

    enum End { COMPLETED, FAILED, CANCELLED }

    /** {@code failure}: why it FAILED (null otherwise); {@code invalidations} null when the timed part did not run. */
    record Outcome(End end, String failure, WorkloadReport.Invalidations invalidations, Long reclaimedPages,
                   List<WorkloadReport.SmmuActivity> smmus) {
    }

    private record Slot(int index, DeviceInfo device, long pid, Integer pasid, long srcA, long srcB, long dst,
                        long srcAIova, long srcBIova, long dstIova) {
    }

    private final String name;
    private final WorkloadPlan plan;
    private final Caller caller;
    private final WorkloadFabric fabric;
    private final WorkloadStats stats;
    private final Teardown teardown;
    private final AtomicLong nextIova = new AtomicLong(IOVA_BASE);
    private final AtomicLong claimed = new AtomicLong();
    private final LongAdder reclaimed = new LongAdder();
    private final AtomicReference<String> slotFailure = new AtomicReference<>();
    private final long[] pids;
    private final Integer[] pasids;
    private volatile boolean cancelled;
    private long container = -1;
    /** Pinned: the timing table that prices pinning (null when device-service has none to give). */
    private TimingTable pricing;

    WorkloadRun(String name, WorkloadPlan plan, Caller caller, WorkloadFabric fabric, WorkloadStats stats) {
        this(name, plan, caller, fabric, stats, r -> {
        });
    }

    /** {@code resources} hears what the workload holds after every change, for recovery after a restart. */
    WorkloadRun(String name, WorkloadPlan plan, Caller caller, WorkloadFabric fabric, WorkloadStats stats,
                java.util.function.Consumer<List<Teardown.Resource>> resources) {
        this.teardown = new Teardown(resources);
        this.name = name;
        this.plan = plan;
        this.caller = caller;
        this.fabric = fabric;
        this.stats = stats;
        this.pids = new long[plan.processes()];
        this.pasids = new Integer[plan.processes()];
    }

    /** DELETE /workloads/{id}: jobs in flight finish, no new one starts, then teardown runs. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    Outcome run() {
        String failure = null;
        WorkloadReport.Invalidations invalidations = null;
        List<WorkloadReport.SmmuActivity> smmus = null;
        try {
            setUp();
            List<Slot> slots = new ArrayList<>();
            for (int i = 0; i < plan.concurrency() && !cancelled; i++) {
                slots.add(slot(i));
            }
            if (!cancelled) {
                Instant from = Instant.now();
                Map<String, Map<String, Long>> countersBefore = smmuCounters();
                stats.timedPartStarts();
                try {
                    runSlots(slots);
                } finally {
                    stats.timedPartEnds();
                }
                failure = slotFailure.get();
                invalidations = countInvalidations(from);
                smmus = smmuActivity(countersBefore, smmuCounters());
            }
        } catch (RuntimeException e) {
            failure = "setup: " + reason(e);
        } finally {
            List<String> left = teardown.run();
            if (!left.isEmpty()) {
                String t = "teardown: " + String.join("; ", left);
                failure = failure == null ? t : failure + "; " + t;
            }
        }
        End end = failure != null ? End.FAILED : cancelled ? End.CANCELLED : End.COMPLETED;
        return new Outcome(end, failure, invalidations, plan.faultMode() == FaultMode.RECLAIM ? reclaimed.sum() : null, smmus);
    }

    /** Each SMMU's counters now; empty when iommu-service does not answer (the report then has no per-SMMU part). */
    private Map<String, Map<String, Long>> smmuCounters() {
        try {
            return fabric.smmuCounters();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    private static List<WorkloadReport.SmmuActivity> smmuActivity(Map<String, Map<String, Long>> before,
                                                                  Map<String, Map<String, Long>> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return null;
        }
        List<WorkloadReport.SmmuActivity> out = new ArrayList<>();
        after.forEach((smmu, counters) -> out.add(WorkloadReport.SmmuActivity.between(smmu, before.getOrDefault(smmu, Map.of()), counters)));
        return out;
    }

    private void setUp() {
        for (int i = 0; i < pids.length; i++) {
            long pid = fabric.createProcess(caller, "wl-" + name + "-" + i);
            pids[i] = pid;
            teardown.push("exit process " + pid, () -> fabric.exitProcess(caller, pid), Teardown.Resource.process(pid));
        }
        if (plan.mode() == Mode.SVA) {
            for (DeviceInfo d : plan.devices()) {
                fabric.svaInit(d.id());
            }
            for (int i = 0; i < pids.length && !cancelled; i++) {
                for (DeviceInfo d : plan.devices()) {
                    int pasid = fabric.bind(caller, d.id(), pids[i]);
                    pasids[i] = pasid;
                    teardown.push("unbind PASID " + pasid + " from " + d.id(), () -> fabric.unbind(caller, d.id(), pasid),
                            Teardown.Resource.bond(d.id(), pasid));
                }
            }
        } else {
            pricing = pricing();
            long c = fabric.openContainer(caller, pids[0], plan.devices().stream().map(DeviceInfo::id).toList());
            container = c;
            // close unmaps every MAP_DMA left (and so unpins its pages) before the process exits
            teardown.push("close VFIO container " + c, () -> fabric.closeContainer(caller, c), Teardown.Resource.container(c));
        }
    }

    private TimingTable pricing() {
        try {
            return fabric.timing().with(plan.request().timing());
        } catch (ErrnoException e) {
            // a device-service without the timing model: pinning goes unpriced, the report says nothing of it
            return null;
        }
    }

    /** The model's price of pinning {@code pages} and later unpinning them, with the unmap's TLBI (and ATC_INV) and CMD_SYNC. */
    private Long pinPrice(long pages) {
        if (pricing == null) {
            return null;
        }
        boolean ats = plan.devices().stream().anyMatch(DeviceInfo::ats);
        return pricing.pinNanos(pages) + pricing.unpinNanos(pages) + pricing.invalidationNanos(1, ats ? 1 : 0);
    }

    /** A slot's buffers, resident before the timed part: sources written by the CPU, the destination populated. */
    private Slot slot(int i) {
        int p = plan.processOfSlot(i);
        long pid = pids[p];
        long len = plan.bufferBytes();
        boolean cold = plan.faultMode() == FaultMode.COLD;
        long srcA = 0, srcB = 0, dst = 0;
        if (plan.op() == Op.MEMCPY) {
            srcA = fabric.mmap(caller, pid, len, false);
            writePattern(pid, srcA, seed(i, 0));
            if (!cold) {
                srcB = fabric.mmap(caller, pid, len, false);
                writePattern(pid, srcB, seed(i, 1));
            }
        }
        if (!cold) {
            dst = fabric.mmap(caller, pid, len, true);
        }
        long srcAIova = 0, srcBIova = 0, dstIova = 0;
        if (plan.mode() == Mode.PINNED) {
            srcAIova = srcA == 0 ? 0 : map(srcA);
            srcBIova = srcB == 0 ? 0 : map(srcB);
            dstIova = dst == 0 ? 0 : map(dst);
            int mapped = (srcA == 0 ? 0 : 1) + (srcB == 0 ? 0 : 1) + (dst == 0 ? 0 : 1);
            stats.pinnedForTheRun(mapped * plan.pagesPerBuffer(), pinPrice(mapped * plan.pagesPerBuffer()));
        }
        return new Slot(i, plan.deviceOfSlot(i), pid, plan.mode() == Mode.SVA ? pasids[p] : null, srcA, srcB, dst, srcAIova, srcBIova, dstIova);
    }

    private long map(long vaddr) {
        long iova = nextIova.getAndAdd(plan.bufferBytes() + WorkloadPlan.PAGE);
        fabric.mapDma(caller, container, vaddr, iova, plan.bufferBytes());
        return iova;
    }

    private void runSlots(List<Slot> slots) {
        long deadline = plan.durationSeconds() == null ? Long.MAX_VALUE : System.nanoTime() + plan.durationSeconds() * 1_000_000_000L;
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(slots.size(), r -> {
            Thread t = new Thread(r, "workload-" + name + "-slot-" + threads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        ScheduledExecutorService reclaimer = plan.faultMode() == FaultMode.RECLAIM ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "workload-" + name + "-reclaimer");
            t.setDaemon(true);
            return t;
        }) : null;
        try {
            if (reclaimer != null) {
                reclaimer.scheduleAtFixedRate(() -> reclaimAll(slots), plan.reclaimEverySeconds(), plan.reclaimEverySeconds(), TimeUnit.SECONDS);
            }
            List<Future<?>> running = new ArrayList<>();
            for (Slot s : slots) {
                running.add(pool.submit(() -> loop(s, deadline)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    slotFailure.compareAndSet(null, reason(e.getCause()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancelled = true;
                }
            }
        } finally {
            // shutdown, not shutdownNow: a reclaim in flight finishes (interrupting it would read as an
            // error of the fabric), the periodic task is not run again
            if (reclaimer != null) {
                reclaimer.shutdown();
                awaitQuietly(reclaimer);
            }
            pool.shutdown();
            awaitQuietly(pool);
        }
    }

    private void loop(Slot s, long deadline) {
        long n = 0;
        while (!cancelled && more(deadline)) {
            try {
                job(s, n++);
            } catch (RuntimeException e) {
                // A call that failed (not a job that faulted): the slot cannot go on with state it no longer knows.
                String r = "slot " + s.index() + " on " + s.device().id() + ": " + reason(e);
                stats.failed(r);
                slotFailure.compareAndSet(null, r);
                return;
            }
        }
    }

    private boolean more(long deadline) {
        if (plan.jobs() != null) {
            return claimed.getAndIncrement() < plan.jobs();
        }
        return System.nanoTime() < deadline;
    }

    /** One job: a fresh destination when cold (pinned: MAP_DMA'd for this job only), the job, the check. */
    private void job(Slot s, long n) {
        long len = plan.bufferBytes();
        boolean cold = plan.faultMode() == FaultMode.COLD;
        boolean pinned = plan.mode() == Mode.PINNED;
        long dst = s.dst();
        long dstIova = s.dstIova();
        long pinNanos = 0;
        if (cold) {
            dst = fabric.mmap(caller, s.pid(), len, false);
        }
        try {
            if (cold && pinned) {
                long t = System.nanoTime();
                dstIova = map(dst);
                pinNanos += System.nanoTime() - t;
            }
            int variant = cold ? 0 : (int) (n % 2);
            int value = (int) (1 + (s.index() * 31 + n) % 255);
            Addr src = null;
            if (plan.op() == Op.MEMCPY) {
                src = Addr.of(pinned ? (variant == 0 ? s.srcAIova() : s.srcBIova()) : (variant == 0 ? s.srcA() : s.srcB()));
            }
            DeviceRequests.Job body = new DeviceRequests.Job(plan.op().name().toLowerCase(), s.pasid(), src,
                    Addr.of(pinned ? dstIova : dst), (long) len, plan.op() == Op.MEMCPY ? null : value, null, null,
                    plan.request().timing());
            long t0 = System.nanoTime();
            DeviceViews.Job record = fabric.runJob(caller, s.device().id(), pinned, body);
            JobOutcome o = JobOutcome.of(record, (System.nanoTime() - t0) / 1000);
            if (!o.completed()) {
                stats.failed("job " + o.jobId() + " on " + s.device().id() + " ended " + o.status() + (o.error() == null ? "" : ": " + o.error()));
                return;
            }
            String wrong = plan.op() == Op.MEMCPY ? checkCopy(s.pid(), dst, seed(s.index(), variant)) : checkFill(s.pid(), dst, value);
            if (wrong != null) {
                stats.failed("job " + o.jobId() + " on " + s.device().id() + ": " + wrong);
                return;
            }
            stats.completed(o, len);
        } finally {
            if (cold) {
                if (pinned && dstIova != 0) {
                    long t = System.nanoTime();
                    fabric.unmapDma(caller, container, dstIova, len);
                    pinNanos += System.nanoTime() - t;
                    stats.pinned(pinNanos / 1000, plan.pagesPerBuffer(), pinPrice(plan.pagesPerBuffer()));
                }
                fabric.munmap(caller, s.pid(), dst, len);
            }
        }
    }

    private void writePattern(long pid, long addr, long seed) {
        for (long off = 0; off < plan.bufferBytes(); off += CHUNK) {
            byte[] chunk = new byte[(int) Math.min(CHUNK, plan.bufferBytes() - off)];
            BufferPattern.fill(seed, off, chunk);
            fabric.write(caller, pid, addr + off, chunk);
        }
    }

    /** Null when the destination holds the source's bytes; else where it differs first. */
    private String checkCopy(long pid, long dst, long seed) {
        for (long off = 0; off < plan.bufferBytes(); off += CHUNK) {
            int len = (int) Math.min(CHUNK, plan.bufferBytes() - off);
            byte[] got = fabric.read(caller, pid, dst + off, len);
            byte[] want = new byte[len];
            BufferPattern.fill(seed, off, want);
            int at = java.util.Arrays.mismatch(got, want);
            if (at >= 0) {
                return "destination differs from the source at offset " + Addr.hex(off + at)
                        + (at < got.length ? String.format(" (0x%02x, source 0x%02x)", got[at] & 0xff, want[at] & 0xff) : " (short read)");
            }
        }
        return null;
    }

    private String checkFill(long pid, long dst, int value) {
        for (long off = 0; off < plan.bufferBytes(); off += CHUNK) {
            int len = (int) Math.min(CHUNK, plan.bufferBytes() - off);
            byte[] got = fabric.read(caller, pid, dst + off, len);
            if (got.length != len) {
                return "short read of the destination at offset " + Addr.hex(off);
            }
            for (int i = 0; i < len; i++) {
                if ((got[i] & 0xff) != value) {
                    return String.format("destination byte at offset %s is 0x%02x, not the memset value 0x%02x", Addr.hex(off + i), got[i] & 0xff, value);
                }
            }
        }
        return null;
    }

    /** The reclaimer: swaps every buffer of every slot out, so the next DMA to it faults and swaps it in. */
    private void reclaimAll(List<Slot> slots) {
        for (Slot s : slots) {
            for (long addr : new long[] {s.srcA(), s.srcB(), s.dst()}) {
                if (addr == 0 || cancelled) {
                    continue;
                }
                try {
                    reclaimed.add(fabric.reclaim(caller, s.pid(), addr, plan.bufferBytes()));
                } catch (RuntimeException e) {
                    stats.failed("reclaimer: " + reason(e));
                }
            }
        }
    }

    /** From the event log: what the SMMU driver invalidated for this workload's PASIDs (pinned: on its devices, without PASID). */
    private WorkloadReport.Invalidations countInvalidations(Instant from) {
        List<String> devices = plan.devices().stream().map(DeviceInfo::id).toList();
        Set<Integer> scope = new LinkedHashSet<>();
        if (plan.mode() == Mode.SVA) {
            for (Integer p : pasids) {
                scope.add(p);
            }
        } else {
            scope.add(null);
        }
        long tlbi = 0;
        long atcInv = 0;
        for (Integer pasid : scope) {
            for (String detail : fabric.invalidationEvents("TLBI", pasid, devices, from)) {
                Matcher m = MORE_TLBI.matcher(detail);
                tlbi += 1 + (m.find() ? Long.parseLong(m.group(1)) : 0);
            }
            atcInv += fabric.invalidationEvents("ATC_INV", pasid, devices, from).size();
        }
        return new WorkloadReport.Invalidations(tlbi, atcInv);
    }

    private static long seed(int slot, int variant) {
        return BufferPattern.mix(0x5eed_0000L + slot * 2L + variant);
    }

    static String reason(Throwable e) {
        if (e instanceof ErrnoException ee) {
            return ee.errno() + ": " + ee.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
