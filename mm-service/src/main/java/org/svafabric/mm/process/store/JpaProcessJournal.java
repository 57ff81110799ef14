package org.svafabric.mm.process.store;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.svafabric.mm.process.Process;
import org.svafabric.mm.process.ProcessJournal;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.mm.process.Vma;

/** The process journal in the service's database (Spring Data JPA; H2 by default, PostgreSQL by profile). */
@Component
public class JpaProcessJournal implements ProcessJournal {
    private final ProcessRecordRepository processes;
    private final VmaRecordRepository vmas;
    private final Clock clock;

    public JpaProcessJournal(ProcessRecordRepository processes, VmaRecordRepository vmas) {
        this.processes = processes;
        this.vmas = vmas;
        this.clock = Clock.systemUTC();
    }

    @Override
    @Transactional(readOnly = true)
    public long highestPid() {
        return processes.highestPid();
    }

    @Override
    @Transactional
    public int markLost(String reason) {
        List<ProcessRecord> alive = processes.findByStateIn(List.of(ProcessState.RUNNING, ProcessState.EXITING));
        for (ProcessRecord r : alive) {
            r.setState(ProcessState.LOST, reason, clock.instant());
            vmas.deleteByPid(r.getPid());
        }
        return alive.size();
    }

    @Override
    @Transactional
    public void created(Process p) {
        processes.save(new ProcessRecord(p.pid(), p.name(), p.uid(), p.state(), clock.instant()));
    }

    @Override
    @Transactional
    public void stateChanged(Process p) {
        processes.findById(p.pid()).ifPresent(r -> r.setState(p.state(), p.exitReason(), clock.instant()));
    }

    @Override
    @Transactional
    public void vmasChanged(long pid, List<Vma> current) {
        vmas.deleteByPid(pid);
        vmas.saveAll(current.stream().map(v -> new VmaRecord(pid, v.start(), v.end(), v.prot().toString())).toList());
    }

    @Override
    @Transactional(readOnly = true)
    public Optional<Stored> find(long pid) {
        return processes.findById(pid).map(JpaProcessJournal::stored);
    }

    @Override
    @Transactional(readOnly = true)
    public ProcessJournal.Page list(Long uid, int page, int size) {
        PageRequest req = PageRequest.of(page, size, Sort.by("pid"));
        org.springframework.data.domain.Page<ProcessRecord> p = uid == null ? processes.findAll(req) : processes.findByUid(uid, req);
        return new ProcessJournal.Page(p.getContent().stream().map(JpaProcessJournal::stored).toList(), p.getTotalElements());
    }

    /** The persisted VMAs of a process, in address order. */
    @Transactional(readOnly = true)
    public List<VmaRecord> vmasOf(long pid) {
        return vmas.findByPidOrderByStart(pid);
    }

    private static Stored stored(ProcessRecord r) {
        return new Stored(r.getPid(), r.getName(), r.getUid(), r.getState(), r.getExitReason());
    }
}
