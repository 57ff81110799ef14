package org.svafabric.mm.process;

import org.svafabric.api.wire.ProcessState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * The processes of this run of the machine: creation (a fresh mm with its own pgd and ASID),
 * lookup, and exit. Pids are never reused: they continue after the highest pid the journal
 * ever saw, so a pid from before a restart never names a new process.
 */
public final class ProcessTable {
    private final Machine machine;
    private final ProcessJournal journal;
    private final ExitMmap exitMmap;
    private final ConcurrentHashMap<Long, Process> processes = new ConcurrentHashMap<>();
    private final AtomicLong lastPid;

    public ProcessTable(Machine machine, ProcessJournal journal) {
        this.machine = machine;
        this.journal = journal;
        this.exitMmap = new ExitMmap(machine);
        this.lastPid = new AtomicLong(journal.highestPid());
    }

    public Process create(String name, long uid) {
        if (name == null || name.isBlank() || name.length() > 64) {
            throw ErrnoException.invalid("name must be non-blank, at most 64 characters");
        }
        if (uid < 0 || uid > 0xffff_fffeL) {
            throw ErrnoException.invalid("uid must be between 0 and 4294967294");
        }
        long pid = lastPid.incrementAndGet();
        Process p = new Process(pid, name, uid, new Mm(pid, machine));
        processes.put(pid, p);
        journal.created(p);
        return p;
    }

    /** Every process of this run, in any state. */
    public Collection<Process> all() {
        return List.copyOf(processes.values());
    }

    /** A process of this run, in any state; ESRCH if this run never had it. */
    public Optional<Process> find(long pid) {
        return Optional.ofNullable(processes.get(pid));
    }

    /** The process, which must be RUNNING; ESRCH otherwise (the kernel's answer for a dead task). */
    public Process running(long pid) {
        Process p = processes.get(pid);
        if (p == null) {
            throw ErrnoException.noProcess(pid);
        }
        if (p.state() != ProcessState.RUNNING) {
            throw new ErrnoException(Errno.ESRCH, "no-such-process", "process " + pid + " is " + p.state().name().toLowerCase());
        }
        return p;
    }

    /** A process of this run in any state (exited ones still hold pins and ASID pins to release). */
    public Process any(long pid) {
        Process p = processes.get(pid);
        if (p == null) {
            throw ErrnoException.noProcess(pid);
        }
        return p;
    }

    /** Address spaces that still have pages (candidates for reclaim). */
    public Collection<Mm> liveMms() {
        List<Mm> out = new ArrayList<>();
        for (Process p : processes.values()) {
            if (p.state() == ProcessState.RUNNING) {
                out.add(p.mm());
            }
        }
        return out;
    }

    /**
     * Exit: the process stops (EXITING), every MMU notifier gets release(mm) and must answer,
     * then the address space is torn down (EXITED). If a subscriber does not answer, the process
     * stays EXITING with all its memory and the error propagates; exiting again retries.
     * Exiting an exited process does nothing.
     *
     * <p>Like exit_mmap, release runs without the mm's lock: a subscriber's release flushes the
     * I/O page faults it has in service, and those call handle_mm_fault, which takes the lock.
     * Exits of one process are serialised on the process itself instead.
     */
    public Process exit(long pid) {
        Process p = any(pid);
        Mm mm = p.mm();
        synchronized (p) {
            mm.lock().writeLock().lock();
            try {
                if (p.state() == ProcessState.EXITED) {
                    return p;
                }
                if (p.state() == ProcessState.RUNNING) {
                    p.setState(ProcessState.EXITING, null);
                    mm.markExiting();
                    journal.stateChanged(p);
                }
            } finally {
                mm.lock().writeLock().unlock();
            }
            mm.notifiers().release(pid, machine.asids().asidOf(mm.context()));
            mm.lock().writeLock().lock();
            try {
                exitMmap.run(mm);
                p.setState(ProcessState.EXITED, "exit");
                journal.vmasChanged(pid, List.of());
                journal.stateChanged(p);
                return p;
            } finally {
                mm.lock().writeLock().unlock();
            }
        }
    }

    public ProcessJournal journal() {
        return journal;
    }
}
