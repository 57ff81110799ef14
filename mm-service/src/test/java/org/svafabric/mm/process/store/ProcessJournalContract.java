package org.svafabric.mm.process.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.mm.process.MemoryMap;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.Process;
import org.svafabric.mm.process.ProcessJournal;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.process.Prot;
import org.svafabric.mm.process.TestMachine;

/**
 * The process journal and its JPA repositories, driven the way the service drives them (a
 * process table and mmap on a model machine, writing through the real journal). Run once on
 * H2 and once on PostgreSQL; each test deletes the rows it created.
 */
abstract class ProcessJournalContract {
    @Autowired
    JpaProcessJournal journal;
    @Autowired
    ProcessRecordRepository processes;
    @Autowired
    VmaRecordRepository vmas;

    private TestMachine machine;
    private ProcessTable table;
    private MemoryMap memoryMap;
    private final List<Long> created = new ArrayList<>();

    @BeforeEach
    void machine() {
        machine = TestMachine.small();
        table = new ProcessTable(machine.machine, journal);
        memoryMap = new MemoryMap(machine.machine, machine.faults, journal);
    }

    @AfterEach
    void cleanUp() {
        processes.deleteAllById(created);
    }

    private Process create(String name, long uid) {
        Process p = table.create(name, uid);
        created.add(p.pid());
        return p;
    }

    @Test
    void createdProcessesArePersistedAndPidsContinueAfterTheHighest() {
        long highest = journal.highestPid();
        Process a = create("a", 4242);
        Process b = create("b", 4242);
        assertThat(a.pid()).isEqualTo(highest + 1);
        assertThat(b.pid()).isEqualTo(highest + 2);
        assertThat(journal.highestPid()).isEqualTo(b.pid());

        // A new table (a restart) continues after what the journal has seen.
        ProcessTable restarted = new ProcessTable(machine.machine, journal);
        Process c = restarted.create("c", 4242);
        created.add(c.pid());
        assertThat(c.pid()).isEqualTo(b.pid() + 1);

        ProcessJournal.Stored s = journal.find(a.pid()).orElseThrow();
        assertThat(s.name()).isEqualTo("a");
        assertThat(s.uid()).isEqualTo(4242);
        assertThat(s.state()).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void listPagesByUidInPidOrder() {
        long uid = 7_000_000 + (System.nanoTime() & 0xffff);
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pids.add(create("p" + i, uid).pid());
        }
        create("other", uid + 1);
        ProcessJournal.Page first = journal.list(uid, 0, 2);
        ProcessJournal.Page last = journal.list(uid, 2, 2);
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.items()).extracting(ProcessJournal.Stored::pid).containsExactly(pids.get(0), pids.get(1));
        assertThat(last.items()).extracting(ProcessJournal.Stored::pid).containsExactly(pids.get(4));
        assertThat(journal.list(null, 0, 1000).total()).isGreaterThanOrEqualTo(6);
    }

    @Test
    void vmasFollowMmapMunmapMprotectAndExitClearsThem() {
        Process p = create("vmas", 1);
        Mm mm = p.mm();
        long a = memoryMap.mmap(mm, 3 * 4096, Prot.RW, false, 0);
        long b = memoryMap.mmap(mm, 4096, Prot.parse("rx"), false, 0);
        memoryMap.mprotect(mm, a, 4096, Prot.parse("r"));
        List<VmaRecord> rows = journal.vmasOf(p.pid());
        assertThat(rows).extracting(VmaRecord::getStart, VmaRecord::getEnd, VmaRecord::getProt).containsExactly(
                org.assertj.core.groups.Tuple.tuple(b, b + 4096, "rx"),
                org.assertj.core.groups.Tuple.tuple(a, a + 4096, "r"),
                org.assertj.core.groups.Tuple.tuple(a + 4096, a + 3 * 4096, "rw"));

        memoryMap.munmap(mm, a, 3 * 4096);
        assertThat(journal.vmasOf(p.pid())).hasSize(1);

        table.exit(p.pid());
        assertThat(journal.vmasOf(p.pid())).isEmpty();
        ProcessRecord r = processes.findById(p.pid()).orElseThrow();
        assertThat(r.getState()).isEqualTo(ProcessState.EXITED);
        assertThat(r.getEndedAt()).isNotNull();
    }

    @Test
    void onRestartLiveProcessesAreMarkedLostAndLoseTheirVmas() {
        Process running = create("running", 1);
        memoryMap.mmap(running.mm(), 4096, Prot.RW, false, 0);
        Process exited = create("exited", 1);
        table.exit(exited.pid());

        int lost = journal.markLost("restart under test");

        assertThat(lost).isGreaterThanOrEqualTo(1);
        ProcessJournal.Stored r = journal.find(running.pid()).orElseThrow();
        assertThat(r.state()).isEqualTo(ProcessState.LOST);
        assertThat(r.exitReason()).isEqualTo("restart under test");
        assertThat(journal.vmasOf(running.pid())).isEmpty();
        assertThat(journal.find(exited.pid()).orElseThrow().state()).isEqualTo(ProcessState.EXITED);
        assertThat(journal.find(exited.pid()).orElseThrow().exitReason()).isEqualTo("exit");
    }

    @Test
    void unknownPidIsNotFound() {
        assertThat(journal.find(Long.MAX_VALUE)).isEmpty();
        try {
            table.running(Long.MAX_VALUE);
            throw new AssertionError("found a process that does not exist");
        } catch (ErrnoException e) {
            assertThat(e.errno().name()).isEqualTo("ESRCH");
        }
    }
}
