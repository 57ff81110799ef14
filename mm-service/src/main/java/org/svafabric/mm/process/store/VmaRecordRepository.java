package org.svafabric.mm.process.store;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface VmaRecordRepository extends JpaRepository<VmaRecord, Long> {

    List<VmaRecord> findByPidOrderByStart(long pid);

    @Modifying
    @Query("delete from VmaRecord v where v.pid = :pid")
    int deleteByPid(long pid);
}
