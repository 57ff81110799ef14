package org.svafabric.device.engine;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

/**
 * Every job of every device, by id ("j-<n>", unique across devices, in submission order; with several
 * device-service shards "j<shard>-<n>", unique across shards; never reused after a restart, see {@link JobNumbers}).
 * Finished jobs are kept for inspection up to {@code retained}; beyond, the oldest finished ones
 * are forgotten.
 */
public final class JobTable {
    private final JobNumbers numbers;
    private final ConcurrentSkipListMap<Long, Job> jobs = new ConcurrentSkipListMap<>();
    private final int retained;
    /** "j-", or "j1-" for shard 1 of several device-service shards. */
    private final String prefix;

    public JobTable(int retained) {
        this(retained, "j-", JobNumbers.inMemory());
    }

    public JobTable(int retained, String prefix) {
        this(retained, prefix, JobNumbers.inMemory());
    }

    /**
     * {@code prefix}: what every id starts with ("j-"; a shard's, such as "j1-", keeps ids unique across shards);
     * {@code numbers}: unique across this shard's boots when they come from its database.
     */
    public JobTable(int retained, String prefix, JobNumbers numbers) {
        this.retained = retained;
        this.prefix = prefix;
        this.numbers = numbers;
    }

    public String nextId() {
        return prefix + numbers.next();
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
            boolean earlierBoot = n != null && n < numbers.firstOfThisBoot();
            throw new ErrnoException(Errno.ENOENT, "no-such-job", earlierBoot
                    ? "no job " + id + ": it was submitted before device-service restarted, and its jobs do not survive a restart"
                    : "no job " + id);
        }
        return j;
    }

    /** One page of the jobs that match (null: any), oldest first. */
    public Page page(String device, Integer pasid, int page, int size) {
        return page(new Filter(device, pasid, null, null), page, size);
    }

    /**
     * One page of the jobs that match, oldest first (so the newest are last); page {@code null}
     * is the last page, the newest {@code size} jobs. Pages are counted from the oldest job still
     * retained, so a page number moves as old finished jobs are forgotten.
     */
    public Page page(Filter filter, Integer page, int size) {
        List<Job> matching = new ArrayList<>();
        for (Job j : jobs.values()) {
            if (filter.test(j)) {
                matching.add(j);
            }
        }
        long total = matching.size();
        long from = page == null ? Math.max(0, total - size) : Math.min((long) page * size, total);
        long to = Math.min(total, from + size);
        return new Page(List.copyOf(matching.subList((int) from, (int) to)), total);
    }

    /**
     * The newest job of {@code device} with {@code pasid} (null: classical DMA) whose buffers hold {@code addr}: the
     * one an unrecoverable fault at that address belongs to. Empty when none is retained.
     */
    public java.util.Optional<Job> newestTouching(String device, Integer pasid, long addr) {
        for (Job j : jobs.descendingMap().values()) {
            if (device.equals(j.device()) && java.util.Objects.equals(pasid, j.pasid()) && j.touches(addr)) {
                return java.util.Optional.of(j);
            }
        }
        return java.util.Optional.empty();
    }

    /** What a listing selects by; a null field selects any. */
    public record Filter(String device, Integer pasid, JobStatus status, Long uid) {
        boolean test(Job j) {
            return (device == null || device.equals(j.device())) && (pasid == null || pasid.equals(j.pasid()))
                    && (status == null || status == j.status()) && (uid == null || uid.equals(j.uid()));
        }
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

    private long number(String id) {
        return Long.parseLong(id.substring(prefix.length()));
    }

    private Long parse(String id) {
        if (id == null || !id.startsWith(prefix)) {
            return null;
        }
        try {
            return Long.parseLong(id.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
