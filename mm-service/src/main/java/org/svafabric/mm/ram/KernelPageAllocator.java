package org.svafabric.mm.ram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;

/**
 * Kernel page allocations made over the memory bus (SMMU stream and CD tables, queues,
 * io-pgtables): physically contiguous, zeroed, owned by the calling service, never reclaimed,
 * and freed only by their owner with the exact run it was given.
 */
public final class KernelPageAllocator {
    private record Allocation(String owner, int count) {
    }

    private final FrameAllocator frames;
    private final ConcurrentHashMap<Integer, Allocation> byFirstFrame = new ConcurrentHashMap<>();

    public KernelPageAllocator(FrameAllocator frames) {
        this.frames = frames;
    }

    public long allocate(String owner, int count) {
        checkOwner(owner);
        if (count < 1 || count > 1 << 18) {
            throw ErrnoException.invalid("count must be between 1 and 262144 pages");
        }
        int first = frames.allocateContiguous(count, FrameUse.KERNEL);
        byFirstFrame.put(first, new Allocation(owner, count));
        return frames.ram().pa(first);
    }

    /** Frees an allocation; EINVAL unless {@code pa}/{@code count} is exactly an allocation of {@code owner}. */
    public void free(String owner, long pa, int count) {
        checkOwner(owner);
        Ram ram = frames.ram();
        if (!ram.contains(pa, 1) || (pa & 0xfff) != 0) {
            throw ErrnoException.invalid("physical address " + Ram.hex(pa) + " is not a page of RAM");
        }
        int first = ram.pfn(pa);
        Allocation a = byFirstFrame.get(first);
        if (a == null || !a.owner().equals(owner) || a.count() != count) {
            throw new ErrnoException(Errno.EINVAL, "not-owner", Ram.hex(pa) + " x " + count
                    + " pages is not a kernel allocation of \"" + owner + "\"");
        }
        if (!byFirstFrame.remove(first, a)) {
            throw new ErrnoException(Errno.EINVAL, "not-owner", Ram.hex(pa) + " was freed concurrently");
        }
        for (int i = 0; i < count; i++) {
            frames.free(first + i);
        }
    }

    /**
     * Frees every allocation of the owners {@code owners} accepts (a driver that went away: its memory is
     * reclaimed as an unloaded module's is); returns the pages freed.
     */
    public long freeAll(Predicate<String> owners) {
        long pages = 0;
        for (var e : byFirstFrame.entrySet()) {
            Allocation a = e.getValue();
            if (owners.test(a.owner()) && byFirstFrame.remove(e.getKey(), a)) {
                for (int i = 0; i < a.count(); i++) {
                    frames.free(e.getKey() + i);
                }
                pages += a.count();
            }
        }
        return pages;
    }

    /** Every allocation: owner, first physical address, pages. */
    public List<AuditViews.KernelAllocation> allocations() {
        List<AuditViews.KernelAllocation> out = new ArrayList<>();
        byFirstFrame.forEach((first, a) -> out.add(new AuditViews.KernelAllocation(a.owner(),
                Addr.of(frames.ram().pa(first)), a.count())));
        return out;
    }

    /** Pages held per owner. */
    public Map<String, Long> byOwner() {
        Map<String, Long> out = new TreeMap<>();
        for (Allocation a : byFirstFrame.values()) {
            out.merge(a.owner(), (long) a.count(), Long::sum);
        }
        return out;
    }

    private static void checkOwner(String owner) {
        if (owner == null || owner.isBlank() || owner.length() > 64) {
            throw ErrnoException.invalid("owner must be a non-blank name of at most 64 characters");
        }
    }
}
