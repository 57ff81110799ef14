package org.svafabric.gateway.vfio;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface VfioContainers extends JpaRepository<VfioContainer, Long> {
    List<VfioContainer> findByUid(long uid);
}
