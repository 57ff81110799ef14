package org.svafabric.gateway.vfio;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface VfioBinds extends JpaRepository<VfioBind, Long> {
    List<VfioBind> findByContainerId(long containerId);
}
