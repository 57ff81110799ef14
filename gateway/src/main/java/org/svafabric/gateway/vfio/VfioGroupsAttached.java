package org.svafabric.gateway.vfio;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface VfioGroupsAttached extends JpaRepository<VfioGroupAttachment, Integer> {
    List<VfioGroupAttachment> findByContainerId(long containerId);
}
