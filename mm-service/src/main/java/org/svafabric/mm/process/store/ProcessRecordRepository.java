package org.svafabric.mm.process.store;

import java.util.Collection;
import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.svafabric.api.wire.ProcessState;

public interface ProcessRecordRepository extends JpaRepository<ProcessRecord, Long> {

    @Query("select coalesce(max(p.pid), 0) from ProcessRecord p")
    long highestPid();

    List<ProcessRecord> findByStateIn(Collection<ProcessState> states);

    Page<ProcessRecord> findByUid(long uid, Pageable pageable);
}
