package org.svafabric.iommu.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.svafabric.iommu.core.port.CoreEvent;
import org.svafabric.iommu.core.port.EventLog;

public final class RecordingEventLog implements EventLog {
    public final List<CoreEvent> events = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void emit(CoreEvent event) {
        events.add(event);
    }

    public List<CoreEvent> ofType(CoreEvent.Type type) {
        synchronized (events) {
            return events.stream().filter(e -> e.type() == type).toList();
        }
    }
}
