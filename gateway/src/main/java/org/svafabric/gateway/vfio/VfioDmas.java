package org.svafabric.gateway.vfio;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface VfioDmas extends JpaRepository<VfioDma, Long> {
    List<VfioDma> findByContainerIdOrderByIova(long containerId);
}
