package org.svafabric.device.firmware;

import java.util.List;

import org.svafabric.api.topology.DeviceDescription;

/** Where hot-plugged devices are remembered, so that they are still there after a restart. */
public interface HotplugJournal {

    void plugged(DeviceDescription description);

    /** Every device hot-plugged so far, oldest first. */
    List<DeviceDescription> all();

    /** For model tests: remembers nothing. */
    HotplugJournal NONE = new HotplugJournal() {
        @Override
        public void plugged(DeviceDescription description) {
        }

        @Override
        public List<DeviceDescription> all() {
            return List.of();
        }
    };
}
