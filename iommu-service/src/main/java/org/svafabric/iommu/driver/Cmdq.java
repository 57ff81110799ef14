package org.svafabric.iommu.driver;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.svafabric.api.bits.Words;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.hw.cmd.CmdSync;
import org.svafabric.iommu.hw.cmd.Command;
import org.svafabric.iommu.hw.layout.SmmuReg;

/**
 * The command queue, driver side (Linux {@code arm_smmu_cmdq_issue_cmdlist} of the 2018 driver: one lock
 * around insertion, CMD_SYNC completion waited for outside it).
 *
 * <p>Commands are written into the ring in RAM, then CMDQ_PROD is written: the SMMU never sees PROD cover an
 * entry that is not in memory yet. A full ring is waited out by re-reading CMDQ_CONS. A batch that needs
 * completion ends with a CMD_SYNC; with MSIs the SYNC writes its sequence number to a RAM word and raises
 * the CMD_SYNC interrupt ({@code arm_smmu_sync_poll_msi}); without, the waiter watches CMDQ_CONS move past
 * the SYNC ({@code __arm_smmu_sync_poll_cons}). The interrupt only wakes waiters; completion is always read
 * from memory or the register, so a spurious or lost wake-up costs time, never correctness.
 */
final class Cmdq {
    private static final long FULL_POLL_NANOS = 20_000;

    private final MemoryBus bus;
    private final Mmio regs;
    private final long base;
    private final int log2Size;
    private final int entries;
    private final int wrapMask;
    private final long syncWord;
    private final boolean msi;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock waitLock = new ReentrantLock();
    private final Condition syncSignalled = waitLock.newCondition();
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    /** Counts CMD_SYNC interrupts, so a waiter that checked before one arrived does not sleep through it. */
    private final AtomicLong syncInterrupts = new AtomicLong();
    private int prod;
    private int cons;
    private int syncSequence;

    /**
     * @param syncWord a RAM word the CMD_SYNC MSIs write ({@code msi}), or unused
     * @param timeout  how long a CMD_SYNC or a full queue may take before the caller gets ETIMEDOUT
     */
    Cmdq(MemoryBus bus, Mmio regs, long base, int log2Size, long syncWord, boolean msi, Duration timeout) {
        this.bus = bus;
        this.regs = regs;
        this.base = base;
        this.log2Size = log2Size;
        this.entries = 1 << log2Size;
        this.wrapMask = (entries << 1) - 1;
        this.syncWord = syncWord;
        this.msi = msi;
        this.timeout = timeout;
    }

    long base() {
        return base;
    }

    int log2Size() {
        return log2Size;
    }

    long issuedCommands() {
        return issued.get();
    }

    long syncs() {
        return syncs.get();
    }

    /** Queues the commands without waiting for them (PRI_RESP and RESUME are "fire and forget"). */
    void issue(List<? extends Command> commands) {
        if (commands.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            insert(commands, List.of());
        } finally {
            lock.unlock();
        }
    }

    /** Queues the commands and a CMD_SYNC, and returns once the SMMU completed every one of them. */
    /**
     * Each stage, then a CMD_SYNC, before the next stage: commands between two SYNCs may complete in any order
     * (IHI 0070 §4.1.4), so an invalidation that depends on an earlier one having completed — a TLBI after the
     * CFGI of the CD it was filled from, a CMD_ATC_INV after the TLBI the endpoint would otherwise refill from
     * (§4.5.1: "after ensuring completion of the SMMU translation invalidate, issue a CMD_ATC_INV") — sits in a
     * later stage. Empty stages are skipped.
     */
    void issueStages(List<? extends List<? extends Command>> stages) {
        issueStages(stages, List.of());
    }

    /** The same, with {@code before} (see {@link #issueSync(List, List)}) ahead of the first non-empty stage. */
    void issueStages(List<? extends List<? extends Command>> stages, List<MemoryBus.Write> before) {
        List<MemoryBus.Write> pending = before;
        for (List<? extends Command> stage : stages) {
            if (!stage.isEmpty()) {
                issueSync(stage, pending);
                pending = List.of();
            }
        }
    }

    void issueSync(List<? extends Command> commands) {
        issueSync(commands, List.of());
    }

    /**
     * Queues the commands and a CMD_SYNC after {@code before}, the stores the commands are about (a CD the CFGI
     * names), and returns once the SMMU completed them. The stores travel in the same memory-bus write as the
     * queue entries, ahead of them (the bus applies a batch in order), as the CPU's stores reach memory before
     * its barrier and the command writes; the SMMU sees neither before PROD moves.
     */
    void issueSync(List<? extends Command> commands, List<MemoryBus.Write> before) {
        int target;
        int syncNext;
        long interruptsBefore;
        lock.lock();
        try {
            int sequence = ++syncSequence;
            List<Command> all = new ArrayList<>(commands);
            all.add(CmdSync.linux(msi ? syncWord : 0, msi ? sequence : 0));
            // Read before the doorbell: this SYNC's interrupt cannot have come yet, so any newer one may be it.
            interruptsBefore = syncInterrupts.get();
            insert(all, before);
            target = sequence;
            syncNext = prod;
        } finally {
            lock.unlock();
        }
        syncs.incrementAndGet();
        if (msi) {
            awaitMsi(target, interruptsBefore);
        } else {
            awaitCons(syncNext);
        }
    }

    /** The CMD_SYNC interrupt (or SEV): something completed; waiters re-check. */
    void syncInterrupt() {
        waitLock.lock();
        try {
            syncInterrupts.incrementAndGet();
            syncSignalled.signalAll();
        } finally {
            waitLock.unlock();
        }
    }

    /**
     * Replaces the command at CONS with a CMD_SYNC after the SMMU refused it (CERROR_ILL), as Linux's
     * {@code arm_smmu_cmdq_skip_err} does, so that the queue can restart past it once GERRORN is written.
     */
    void replaceAtCons(int consRegister) {
        long addr = entryAddress(consRegister & wrapMask);
        bus.write(addr, Words.toBytes(CmdSync.linux(0, 0).encode()));
    }

    /**
     * Writes the entries at PROD in one bus access per contiguous run, {@code before} in the first one ahead of
     * the entries, then rings the doorbell. Under the lock.
     */
    private void insert(List<? extends Command> commands, List<MemoryBus.Write> before) {
        int i = 0;
        List<MemoryBus.Write> ahead = before;
        while (i < commands.size()) {
            int space = waitForSpace();
            int run = Math.min(Math.min(space, commands.size() - i), entries - index(prod));
            byte[] bytes = new byte[run * 16];
            for (int k = 0; k < run; k++) {
                long[] words = commands.get(i + k).encode();
                Words.putLong(bytes, k * 16, words[0]);
                Words.putLong(bytes, k * 16 + 8, words[1]);
            }
            if (ahead.isEmpty()) {
                bus.write(entryAddress(prod), bytes);
            } else {
                List<MemoryBus.Write> batch = new ArrayList<>(ahead);
                batch.add(new MemoryBus.Write(entryAddress(prod), bytes));
                bus.writeBatch(batch);
                ahead = List.of();
            }
            prod = (prod + run) & wrapMask;
            i += run;
            regs.write32(SmmuReg.CMDQ_PROD.offset(), prod);
        }
        issued.addAndGet(commands.size());
    }

    /** Free entries, re-reading CONS until there is at least one. */
    private int waitForSpace() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            cons = regs.read32(SmmuReg.CMDQ_CONS.offset()) & wrapMask;
            int used = (prod - cons) & wrapMask;
            if (used < entries) {
                return entries - used;
            }
            if (System.nanoTime() > deadline) {
                throw new ErrnoException(Errno.ETIMEDOUT, "cmdq-timeout", "command queue full for " + timeout
                        + " (CONS 0x" + Integer.toHexString(cons) + ")");
            }
            LockSupport.parkNanos(FULL_POLL_NANOS);
        }
    }

    /**
     * Waits until the MSI word reached {@code target} (sequence numbers compared modulo 2^32). The word is read
     * once an interrupt newer than {@code interruptsBefore} came (or the poll interval passed): reading it
     * before, right after the doorbell, is a memory-bus round trip that can only find it short.
     */
    private void awaitMsi(int target, long interruptsBefore) {
        long deadline = System.nanoTime() + timeout.toNanos();
        sleepUntilSignal(interruptsBefore, deadline, "CMD_SYNC " + target);
        while (true) {
            long interrupts = syncInterrupts.get();
            int seen = (int) (bus.read64(syncWord) & 0xffff_ffffL);
            if (seen - target >= 0) {
                return;
            }
            sleepUntilSignal(interrupts, deadline, "CMD_SYNC " + target + " (MSI word holds " + seen + ")");
        }
    }

    /** Waits until CONS has moved past the SYNC that ends before {@code syncNext}. */
    private void awaitCons(int syncNext) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long interrupts = syncInterrupts.get();
            int c = regs.read32(SmmuReg.CMDQ_CONS.offset()) & wrapMask;
            int p;
            lock.lock();
            try {
                p = prod;
            } finally {
                lock.unlock();
            }
            // CONS has passed syncNext when fewer entries remain from CONS to PROD than from syncNext to PROD.
            if (((p - c) & wrapMask) <= ((p - syncNext) & wrapMask)) {
                return;
            }
            sleepUntilSignal(interrupts, deadline, "CMD_SYNC before 0x" + Integer.toHexString(syncNext));
        }
    }

    /** Sleeps until an interrupt newer than {@code seen}, a short poll interval, or the deadline. */
    private void sleepUntilSignal(long seen, long deadline, String what) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new ErrnoException(Errno.ETIMEDOUT, "cmdq-sync-timeout", what + " not completed within " + timeout);
        }
        waitLock.lock();
        try {
            // Bounded: the interrupt is a hint (and absent in polled mode), the condition checked is the truth.
            if (syncInterrupts.get() == seen) {
                syncSignalled.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(msi ? 50 : 1)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ErrnoException(Errno.EINTR, "interrupted", "interrupted while waiting for " + what);
        } finally {
            waitLock.unlock();
        }
    }

    private int index(int p) {
        return p & (entries - 1);
    }

    private long entryAddress(int p) {
        return base + (long) index(p) * 16;
    }
}
