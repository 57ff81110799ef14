package org.svafabric.device.firmware;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

public interface HotpluggedDeviceRepository extends JpaRepository<HotpluggedDevice, Long> {

    List<HotpluggedDevice> findAllByOrderBySeqAsc();
}
