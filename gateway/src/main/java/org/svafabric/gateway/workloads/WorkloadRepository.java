package org.svafabric.gateway.workloads;

import java.util.List;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;

public interface WorkloadRepository extends JpaRepository<WorkloadEntity, String> {
    Page<WorkloadEntity> findByUidOrderByCreatedAsc(long uid, Pageable page);

    Page<WorkloadEntity> findAllByOrderByCreatedAsc(Pageable page);

    List<WorkloadEntity> findByStatusIn(List<String> statuses);
}
