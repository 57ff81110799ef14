package org.svafabric.device.firmware;

import java.time.Instant;
import java.util.List;

import org.svafabric.api.topology.DeviceDescription;

import tools.jackson.databind.json.JsonMapper;

/** The hotplug journal in the service's database. */
public class JpaHotplugJournal implements HotplugJournal {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HotpluggedDeviceRepository repo;

    public JpaHotplugJournal(HotpluggedDeviceRepository repo) {
        this.repo = repo;
    }

    @Override
    public void plugged(DeviceDescription d) {
        repo.save(new HotpluggedDevice(d.id(), JSON.writeValueAsString(d), Instant.now()));
    }

    @Override
    public List<DeviceDescription> all() {
        return repo.findAllByOrderBySeqAsc().stream()
                .map(h -> JSON.readValue(h.description(), DeviceDescription.class))
                .toList();
    }
}
