package org.svafabric.device.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * Every job of every device, by id ("j-<n>", unique across devices, in submission order).
 * Finished jobs are kept for inspection up to {@code retained}; beyond, the oldest finished ones
 * are forgotten.
 */
public final class JobTable {
    private final AtomicLong next = new AtomicLong(1);
    private final ConcurrentSkipListMap<Long, Job> jobs = new ConcurrentSkipListMap<>();
    private final int retained;

    public JobTable(int retained) {
        this.retained = retained;
    }

    public String nextId() {
        return "j-" + next.getAndIncrement();
    }

    public void add(Job job) {
        jobs.put(number(job.id()), job);
        trim();
    }

    /** Removes a job that was never accepted (its device refused it). */
    public void remove(Job job) {
        jobs.remove(number(job.id()));
    }

    public Job get(String id) {
        Long n = parse(id);
        Job j = n == null ? null : jobs.get(n);
        if (j == null) {
            throw new ErrnoException(Errno.ENOENT, "no-such-job", "no job " + id);
        }
        return j;
    }

    /** One page of the jobs that match (null: any), oldest first. */
    public Page page(String device, Integer pasid, int page, int size) {
        List<Job> items = new ArrayList<>(size);
        long total = 0;
        long skip = (long) page * size;
        for (Job j : jobs.values()) {
            if ((device == null || device.equals(j.device())) && (pasid == null || pasid.equals(j.pasid()))) {
                if (total >= skip && items.size() < size) {
                    items.add(j);
                }
                total++;
            }
        }
        return new Page(items, total);
    }

    public record Page(List<Job> items, long total) {
    }

    private void trim() {
        int excess = jobs.size() - retained;
        Iterator<Map.Entry<Long, Job>> it = jobs.entrySet().iterator();
        while (excess > 0 && it.hasNext()) {
            if (it.next().getValue().status().isFinal()) {
                it.remove();
                excess--;
            }
        }
    }

    private static long number(String id) {
        return Long.parseLong(id.substring(2));
    }

    private static Long parse(String id) {
        if (id == null || !id.startsWith("j-")) {
            return null;
        }
        try {
            return Long.parseLong(id.substring(2));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
