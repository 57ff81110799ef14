package org.svafabric.iommu.hw.cmd;

import static org.svafabric.iommu.hw.layout.QueueRegisters.CMDQ_CONS_ERR;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.iommu.hw.queue.GlobalErrors;
import org.svafabric.iommu.hw.queue.QueueBase;
import org.svafabric.iommu.hw.queue.RamRing;
import org.svafabric.iommu.hw.layout.Gerror;

/**
 * The command queue, SMMU side: consumes 16-byte commands from RAM between CONS and PROD, in order.
 *
 * <p>Doorbell: a write of CMDQ_PROD only records the value and schedules a consumer pass on the executor, so
 * the writer never waits for commands to run. Passes never overlap (a work-in-progress counter: a doorbell
 * during a pass makes the pass look again), so CONS and the consumer's state have one writer at a time.
 *
 * <p>CMD_SYNC: CONS stays on the SYNC until every earlier command has completed — here, the endpoints'
 * completions of earlier CMD_ATC_INVs, which the pass does not block on: it stops and the completion (or the
 * timeout) schedules the next pass. Then CONS moves past the SYNC and only after that is the completion
 * signalled, because "observation of the interrupt or event means that the consumption of the CMD_SYNC is
 * observable" (IHI 0070 §4.7.3). Commands after a SYNC do not start before it completes.
 *
 * <p>Strict order (optional, {@link #completeInShuffledOrder}): "commands between two CMD_SYNCs may complete
 * in any order" (IHI 0070 §4.1.4 — only a CMD_SYNC orders completion). With it, the commands consumed since the
 * last CMD_SYNC take effect only when the next CMD_SYNC (or an empty queue, or an error) is reached, in a
 * seeded shuffled order, so a driver that relies on an invalidation having completed before a later one
 * without a SYNC between them sees what a real SMMU may give it: a stale translation.
 *
 * <p>Errors (IHI 0070 §7.1): consumption stops at the erroneous command with CONS.RD on it, CONS.ERR set and
 * then GERROR.CMDQ_ERR raised; nothing is consumed while that error is active. Software fixes or replaces
 * the command (Linux turns it into a CMD_SYNC), may move PROD back, and writes GERRORN: the SMMU re-fetches
 * from CONS. A failed SYNC (CERROR_ATC_INV_SYNC) likewise leaves CONS on the SYNC.
 */
public final class CommandQueue {
    private static final Logger log = LoggerFactory.getLogger(CommandQueue.class);
    /** Commands read from RAM in one bus access; newer ones are discarded if an older one errors. */
    private static final int FETCH_BATCH = 32;

    private final MemoryBus bus;
    private final int cmdqs;
    private final CommandDecoder decoder;
    private final CommandDispatcher dispatcher;
    private final AtcInvalidationTracker atc;
    private final SyncSignal signal;
    private final GlobalErrors gerror;
    private final Executor executor;
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicLong consumed = new AtomicLong();

    private volatile RamRing ring;
    private volatile boolean enabled;
    private volatile int prod;
    private volatile int cons;
    private volatile String lastError = "";
    // Consumer state: touched only inside a pass.
    private CompletableFuture<Boolean> syncBarrier;
    private CmdSync syncCommand;
    private final List<Command> sinceSync = new ArrayList<>();
    private volatile SplittableRandom completionOrder;

    /**
     * @param cmdqs      IDR1.CMDQS, the largest LOG2SIZE honoured
     * @param dispatcher carries out the commands other than CMD_SYNC
     * @param atc        the ATC invalidations a CMD_SYNC waits for (the dispatcher's tracker)
     * @param executor   runs consumer passes; one pass at a time is ensured here
     */
    public CommandQueue(MemoryBus bus, CommandFeatures features, int cmdqs, CommandDispatcher dispatcher,
                        AtcInvalidationTracker atc, SyncSignal signal, GlobalErrors gerror, Executor executor) {
        this.bus = bus;
        this.cmdqs = cmdqs;
        this.decoder = new CommandDecoder(features);
        this.dispatcher = dispatcher;
        this.atc = atc;
        this.signal = signal;
        this.gerror = gerror;
        this.executor = executor;
        configure(new QueueBase(0, 0, false));
        gerror.onAcknowledge(error -> {
            if (error.equals(Gerror.CMDQ_ERR)) {
                kick();
            }
        });
    }

    /** A write of CMDQ_BASE; software makes it while the queue is disabled. */
    public void configure(QueueBase base) {
        ring = new RamRing(bus, base.effectiveAddr(cmdqs, CommandFields.BYTES), base.effectiveLog2Size(cmdqs),
                CommandFields.BYTES);
    }

    /** CR0.CMDQEN. */
    public void setEnabled(boolean value) {
        enabled = value;
        if (value) {
            kick();
        }
    }

    /** The doorbell: software has written commands up to {@code value}. */
    public void writeProd(int value) {
        prod = value;
        kick();
    }

    /** CMDQ_CONS is written by software only to initialise the queue, while it is disabled. */
    public void writeCons(int value) {
        if (!enabled) {
            cons = value;
        }
    }

    public int readProd() {
        return prod;
    }

    public int readCons() {
        return cons;
    }

    /**
     * From now on, commands between two CMD_SYNCs complete in an order shuffled by a {@link SplittableRandom}
     * seeded with {@code seed} (the same seed, the same order for the same command stream; neighbouring seeds
     * give unrelated orders).
     */
    public void completeInShuffledOrder(long seed) {
        completionOrder = new SplittableRandom(seed);
    }

    /** Commands consumed since reset (CMD_SYNC counted when it completes). */
    public long consumedCommands() {
        return consumed.get();
    }

    /** Why the last command error happened, for logs and the lead's diagnostics. */
    public String lastError() {
        return lastError;
    }

    private void kick() {
        if (wip.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        while (true) {
            try {
                consume();
            } catch (RuntimeException e) {
                // A bug in a collaborator must not wedge the queue: the command stays unconsumed and the next
                // doorbell retries it.
                log.error("command queue pass failed at CONS 0x{}", Integer.toHexString(cons), e);
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void consume() {
        while (enabled && !gerror.isActive(Gerror.CMDQ_ERR)) {
            if (syncBarrier != null) {
                if (!syncBarrier.isDone() || !completeSync()) {
                    return;
                }
                continue;
            }
            long[][] run;
            try {
                run = ring.readRun(prod, cons, FETCH_BATCH);
            } catch (RuntimeException abort) {
                stop(CommandError.CERROR_ABT, "command fetch aborted: " + abort);
                return;
            }
            if (run.length == 0) {
                completeSinceSync();
                return;
            }
            for (long[] entry : run) {
                if (!consumeOne(entry)) {
                    break;
                }
            }
        }
    }

    /** Returns false when consumption must leave this run: an error, or a CMD_SYNC to wait on. */
    private boolean consumeOne(long[] entry) {
        Decoded decoded = decoder.decode(entry);
        if (decoded instanceof Decoded.Illegal illegal) {
            stop(CommandError.CERROR_ILL, illegal.reason());
            return false;
        }
        Command command = ((Decoded.Valid) decoded).command();
        if (command.opcode() == Opcode.CMD_SYNC) {
            completeSinceSync();
            syncCommand = (CmdSync) command;
            syncBarrier = atc.barrier();
            syncBarrier.whenComplete((done, error) -> kick());
            return false;
        }
        if (completionOrder != null) {
            sinceSync.add(command);
        } else {
            dispatcher.dispatch(command);
        }
        advance();
        return true;
    }

    /** Carries out the commands consumed since the last CMD_SYNC, in the strict model's shuffled order. */
    private void completeSinceSync() {
        SplittableRandom order = completionOrder;
        if (sinceSync.isEmpty() || order == null) {
            return;
        }
        List<Command> batch = new ArrayList<>(sinceSync);
        sinceSync.clear();
        for (int i = batch.size() - 1; i > 0; i--) { // Fisher-Yates
            int j = order.nextInt(i + 1);
            Command c = batch.get(i);
            batch.set(i, batch.get(j));
            batch.set(j, c);
        }
        batch.forEach(dispatcher::dispatch);
    }

    /** The barrier of the SYNC at CONS has resolved: consume it and signal, or fail it. */
    private boolean completeSync() {
        boolean completed = syncBarrier.join();
        CmdSync sync = syncCommand;
        syncBarrier = null;
        syncCommand = null;
        if (!completed) {
            stop(CommandError.CERROR_ATC_INV_SYNC, "ATS Invalidation Completion timeout");
            return false;
        }
        advance();
        signal.signal(sync);
        return true;
    }

    private void advance() {
        cons = ring.next(cons);
        consumed.incrementAndGet();
    }

    /** CONS.ERR first, then GERROR: software never sees the global error without its code. */
    private void stop(CommandError error, String reason) {
        completeSinceSync(); // the commands before the erroneous one were consumed
        lastError = error + " at CONS 0x" + Integer.toHexString(cons) + ": " + reason;
        log.warn("command queue stopped: {}", lastError);
        cons = (int) CMDQ_CONS_ERR.with(Integer.toUnsignedLong(cons), error.code());
        gerror.raise(Gerror.CMDQ_ERR);
    }
}
