package org.svafabric.mm.process;

import org.svafabric.api.wire.ProcessState;

import java.util.List;
import java.util.Optional;

/**
 * Where process and VMA metadata persist (control plane only: RAM is volatile, so what
 * survives a restart is who existed, what they had mapped, and how they ended). Called on
 * process lifecycle and mapping changes, never on the memory-access or fault path.
 */
public interface ProcessJournal {

    /** A process as persisted. */
    record Stored(long pid, String name, long uid, ProcessState state, String exitReason) {
    }

    record Page(List<Stored> items, long total) {
    }

    /** Highest pid ever persisted (0 if none): new pids continue after it. */
    long highestPid();

    /**
     * At start-up: processes that were alive when the service stopped lost their memory with
     * it; marks them LOST with {@code reason} and drops their VMAs. Returns how many.
     */
    int markLost(String reason);

    void created(Process p);

    void stateChanged(Process p);

    void vmasChanged(long pid, List<Vma> vmas);

    Optional<Stored> find(long pid);

    /** Processes ordered by pid, optionally of one uid. */
    Page list(Long uid, int page, int size);

    /** For model tests: keeps nothing. */
    ProcessJournal NONE = new ProcessJournal() {
        @Override
        public long highestPid() {
            return 0;
        }

        @Override
        public int markLost(String reason) {
            return 0;
        }

        @Override
        public void created(Process p) {
        }

        @Override
        public void stateChanged(Process p) {
        }

        @Override
        public void vmasChanged(long pid, List<Vma> vmas) {
        }

        @Override
        public Optional<Stored> find(long pid) {
            return Optional.empty();
        }

        @Override
        public Page list(Long uid, int page, int size) {
            return new Page(List.of(), 0);
        }
    };
}
