package org.svafabric.iommu.hw.walker;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.event.EventType;

/**
 * The stage-1 table walk over RAM: VMSAv8-64, 4 KiB granule, from the start level that T0SZ gives, reading
 * the very descriptors mm-service writes ({@link Pte}). It finds the leaf (page or block) descriptor for an
 * input address or the fault that stops it; permissions, the Access flag and dirty state are the caller's
 * ({@link Stage1Translator}). Table descriptors it passes are offered to the {@link WalkCache}.
 *
 * <p>Faults, in the architecture's terms: an invalid descriptor, a level-3 descriptor with bit 1 clear
 * (reserved) or a level-0 block (none exist with 4 KiB pages) is a Translation fault; a next-level table or
 * output address with bits above the effective IPS is an Address Size fault; a read the bus refuses is an
 * external abort on the walk, F_WALK_EABT.
 */
public final class PageTableWalker {

    public sealed interface Outcome permits Leaf, Fault {
    }

    /** The leaf descriptor {@code desc}, read at {@code descPa} at {@code level}, under table attributes {@code tableAttrs}. */
    public record Leaf(long descPa, long desc, int level, int tableAttrs) implements Outcome {
        /** Output address of the input address {@code in}. */
        public long outputAddress(long in) {
            long size = Vmsa.levelSize(level);
            return (Pte.outputAddress(desc) & -size) | (in & (size - 1));
        }
    }

    /** A walk fault; {@code fetchPa} is the descriptor address for F_WALK_EABT, 0 otherwise. */
    public record Fault(EventType type, long fetchPa) implements Outcome {
    }

    private static final Fault TRANSLATION = new Fault(EventType.F_TRANSLATION, 0);
    private static final Fault ADDR_SIZE = new Fault(EventType.F_ADDR_SIZE, 0);
    /** No descriptor address known ahead of the walk. */
    static final long UNKNOWN = -1;

    private final MemoryBus bus;
    private final WalkCache cache;

    public PageTableWalker(MemoryBus bus, WalkCache cache) {
        this.bus = bus;
        this.cache = cache;
    }

    /**
     * The PA of the descriptor a walk for {@code in} will read first when the walk cache holds a table on its
     * way (the leaf descriptor when it holds the last-level table), else {@link #UNKNOWN}. Reads nothing and
     * counts no walk-cache hit or miss: the walk itself still looks the table up.
     */
    long cachedDescriptor(Stage1Context ctx, long in) {
        WalkCache.Entry e = cache.peek(ctx.el2(), ctx.asid(), in, ctx.startLevel());
        return e == null ? UNKNOWN : descriptorPa(e.tablePa(), in, e.level());
    }

    private static long descriptorPa(long table, long in, int level) {
        return table + (long) Vmsa.index(in, level) * Vmsa.DESCRIPTOR_SIZE;
    }

    /**
     * Walks for input address {@code in} (already range-checked by {@link Stage1Context#inputAddress}).
     * {@code fillEpoch} decides whether table descriptors met on the way may be cached.
     */
    public Outcome walk(Stage1Context ctx, long in, long fillEpoch, CostMeter cost) {
        int level = ctx.startLevel();
        int startBits = 64 - ctx.t0sz() - Vmsa.levelShift(level);
        long table = ctx.ttb0() & -(8L << startBits);
        int attrs = 0;
        WalkCache.Entry cached = cache.lookup(ctx.el2(), ctx.asid(), in, level);
        if (cached != null) {
            level = cached.level();
            table = cached.tablePa();
            attrs = cached.tableAttrs();
            cost.walkCacheHit = true;
        }
        while (true) {
            long pa = descriptorPa(table, in, level);
            long desc;
            try {
                desc = DescriptorBurst.read64(bus, pa);
            } catch (RuntimeException e) {
                return new Fault(EventType.F_WALK_EABT, pa);
            }
            cost.descriptorsRead++;
            if (!Pte.isValid(desc)) {
                return TRANSLATION;
            }
            if (Pte.isTable(desc, level)) {
                long next = Pte.nextTable(desc);
                if ((next >>> ctx.oasBits()) != 0) {
                    return ADDR_SIZE;
                }
                attrs = Perm.tableAttrs(desc, attrs);
                level++;
                cache.insert(new WalkCache.Entry(ctx.el2(), ctx.asid(), ctx.aset(), level,
                        in >>> Vmsa.levelShift(level - 1), next, attrs), fillEpoch);
                table = next;
                continue;
            }
            if (!Pte.isPage(desc, level) && !Pte.isBlock(desc, level)) {
                return TRANSLATION;
            }
            if ((Pte.outputAddress(desc) >>> ctx.oasBits()) != 0) {
                return ADDR_SIZE;
            }
            return new Leaf(pa, desc, level, attrs);
        }
    }
}
