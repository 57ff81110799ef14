package org.svafabric.gateway.jobs;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.stereotype.Component;

/**
 * Which uid submitted which job, remembered for the most recent jobs. It is a cache, not state:
 * a job the gateway no longer remembers is attributed through its PASID's process instead.
 */
@Component
public class JobOwners {
    private static final int REMEMBERED = 200_000;

    private final Map<String, Long> uidByJob = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    });

    public void remember(String jobId, long uid) {
        uidByJob.put(jobId, uid);
    }

    public Long uidOf(String jobId) {
        return uidByJob.get(jobId);
    }
}
