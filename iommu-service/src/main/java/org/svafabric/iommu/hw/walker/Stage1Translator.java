package org.svafabric.iommu.hw.walker;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.iommu.hw.event.EventType;
import org.svafabric.iommu.hw.tlb.InvalidationEpoch;
import org.svafabric.iommu.hw.tlb.Iotlb;
import org.svafabric.iommu.hw.tlb.TlbEntry;

/**
 * Stage-1 translation of one address under a {@link Stage1Context}: IOTLB lookup, then on a miss the walk,
 * the Access flag, permissions and dirty state, the hardware flag update, and the TLB fill.
 *
 * <p>Fault priority follows the architecture: Translation and Address Size faults from the walk, then the
 * Access flag fault (AF = 0 with neither HA nor AFFD), then the Permission fault. Hardware updates happen
 * only for an access that is otherwise permitted: AF is set (HA) and, for a write to a writable-clean page
 * (DBM = 1 with HD), AP[2] is cleared, in a single compare-and-swap; if the descriptor changed since it was
 * read the walk starts again, so an update never overwrites a change software made meanwhile.
 *
 * <p>Only translations with AF in effect are cached (HTTU may not set AF on a TLB hit). An entry cached
 * read-only but writable-clean does not satisfy a write: the write walks again so HD can mark the page
 * dirty. A TLB hit that does not permit the access is treated as a miss as well: the fault, if any, comes
 * from the descriptor in RAM, so a permission upgraded in RAM is seen even before its TLB invalidation.
 */
public final class Stage1Translator {

    /** A translated address, or {@link #MISS}, on the allocation-free path. */
    public static final long MISS = -1;

    public sealed interface Outcome permits Mapped, Faulted {
    }

    /** {@code va} maps to {@code pa} inside a page or block of 2^{@code sizeShift} bytes with {@code perms}. */
    public record Mapped(long pa, int perms, int sizeShift) implements Outcome {
    }

    /** The translation stopped with {@code type}; {@code fetchPa} for F_WALK_EABT. */
    public record Faulted(EventType type, long fetchPa) implements Outcome {
    }

    private static final Faulted TRANSLATION = new Faulted(EventType.F_TRANSLATION, 0);
    private static final Faulted ACCESS = new Faulted(EventType.F_ACCESS, 0);
    private static final Faulted PERMISSION = new Faulted(EventType.F_PERMISSION, 0);

    private final MemoryBus bus;
    private final Iotlb tlb;
    private final PageTableWalker walker;

    public Stage1Translator(MemoryBus bus, Iotlb tlb, WalkCache walkCache) {
        this.bus = bus;
        this.tlb = tlb;
        this.walker = new PageTableWalker(bus, walkCache);
    }

    /** The PA of {@code va} if the TLB holds a translation that permits {@code access}, else {@link #MISS}. */
    public long lookupTlb(Stage1Context ctx, long va, int access) {
        long in = ctx.inputAddress(va);
        if (in == Stage1Context.OUT_OF_RANGE) {
            return MISS;
        }
        TlbEntry e = tlb.lookup(ctx.el2(), ctx.asid(), ctx.aset(), in >>> Vmsa.PAGE_SHIFT);
        return e != null && Perm.permits(e.perms(), access) ? e.translate(in) : MISS;
    }

    /**
     * Translates {@code va} for an ordinary transaction making {@code access} ({@link Access} bits).
     * {@code fill} is the {@link InvalidationEpoch#startFill()} the translation took before its first lookup
     * (configuration included); fills of the TLB and walk cache are made under it.
     */
    public Outcome translate(Stage1Context ctx, long va, int access, CostMeter cost, long fill) {
        long in = ctx.inputAddress(va);
        if (in == Stage1Context.OUT_OF_RANGE) {
            return TRANSLATION;
        }
        TlbEntry e = tlb.lookup(ctx.el2(), ctx.asid(), ctx.aset(), in >>> Vmsa.PAGE_SHIFT);
        if (e != null && Perm.permits(e.perms(), access)) {
            cost.tlbHit = true;
            return new Mapped(e.translate(in), e.perms(), e.rangeShift());
        }
        if (ctx.epd0()) {
            return TRANSLATION;
        }
        while (true) {
            PageTableWalker.Outcome w = walker.walk(ctx, in, fill, cost);
            if (w instanceof PageTableWalker.Fault) {
                PageTableWalker.Fault f = (PageTableWalker.Fault) w;
                return new Faulted(f.type(), f.fetchPa());
            }
            PageTableWalker.Leaf leaf = (PageTableWalker.Leaf) w;
            long d = leaf.desc();
            boolean af = Pte.AF.isSet(d);
            if (!af && !ctx.ha() && !ctx.affd()) {
                return ACCESS;
            }
            int perms = ctx.perms(d, leaf.tableAttrs());
            boolean dirtying = !Perm.permits(perms, access) && Perm.writableClean(perms, access);
            if (!Perm.permits(perms, access) && !dirtying) {
                return PERMISSION;
            }
            Outcome o = commit(ctx, in, leaf, withHwFlags(ctx, d, dirtying), perms, cost, fill);
            if (o != null) {
                return o;
            }
        }
    }

    /**
     * Translates {@code va} for an ATS Translation Request and returns what the Translation Completion may
     * grant (IHI 0070 §13.7.1): the permissions at the request's privilege, after HTTU. A request without
     * No-Write ({@code write}) makes a writable-clean page dirty; with No-Write it never does. AF is set only
     * when something is granted. Faults (Translation, Address Size, Access) come back as {@link Faulted}; the
     * caller turns them into R = W = 0.
     */
    public Outcome translateForAts(Stage1Context ctx, long va, boolean write, boolean priv, CostMeter cost, long fill) {
        long in = ctx.inputAddress(va);
        if (in == Stage1Context.OUT_OF_RANGE) {
            return TRANSLATION;
        }
        int access = Access.of(write, false, priv);
        TlbEntry e = tlb.lookup(ctx.el2(), ctx.asid(), ctx.aset(), in >>> Vmsa.PAGE_SHIFT);
        if (answersAts(e, access)) {
            cost.tlbHit = true;
            return new Mapped(e.translate(in), e.perms(), e.rangeShift());
        }
        if (ctx.epd0()) {
            return TRANSLATION;
        }
        while (true) {
            PageTableWalker.Outcome w = walker.walk(ctx, in, fill, cost);
            if (w instanceof PageTableWalker.Fault) {
                PageTableWalker.Fault f = (PageTableWalker.Fault) w;
                return new Faulted(f.type(), f.fetchPa());
            }
            PageTableWalker.Leaf leaf = (PageTableWalker.Leaf) w;
            long d = leaf.desc();
            boolean af = Pte.AF.isSet(d);
            if (!af && !ctx.ha() && !ctx.affd()) {
                return ACCESS;
            }
            int perms = ctx.perms(d, leaf.tableAttrs());
            if (!Perm.canRead(perms, priv)) {
                return new Mapped(leaf.outputAddress(in), perms, Vmsa.levelShift(leaf.level()));
            }
            boolean dirtying = write && !Perm.canWrite(perms, priv) && Perm.writableClean(perms, access);
            Outcome o = commit(ctx, in, leaf, withHwFlags(ctx, d, dirtying), perms, cost, fill);
            if (o != null) {
                return o;
            }
        }
    }

    /**
     * Whether TLB entry {@code e} (or null) completes an ATS request making {@code access} without a walk: readable
     * at its privilege, and not a write (no No-Write) to a writable-clean page, which walks so HD can dirty it.
     */
    private static boolean answersAts(TlbEntry e, int access) {
        boolean priv = Access.isPriv(access);
        return e != null && Perm.canRead(e.perms(), priv)
                && !(Access.isWrite(access) && Perm.writableClean(e.perms(), access) && !Perm.canWrite(e.perms(), priv));
    }

    /**
     * Starts the walks of an ATS batch together, as a walker keeps several walks outstanding: for each page of
     * {@code vas} (making {@code accesses}, {@link Access} bits; exec is ignored, as in {@link #translateForAts})
     * that the TLB will not answer and whose table the walk cache holds, the descriptor its walk reads first;
     * the open {@link DescriptorBurst} fetches their runs in one bus request. Both caches are only peeked (no
     * LRU use, no hit or miss counted) and nothing is charged to a {@link CostMeter}: each page is then
     * translated by {@link #translateForAts}, which looks up, walks and counts as it always did. Call it inside
     * the batch's burst, after the batch took its fill epoch.
     */
    public void prefetchForAts(Stage1Context ctx, long[] vas, int[] accesses) {
        if (ctx.epd0() || vas.length < 2) {
            return; // one page is one walk: nothing to overlap
        }
        long[] pas = new long[vas.length];
        int n = 0;
        for (int i = 0; i < vas.length; i++) {
            long in = ctx.inputAddress(vas[i]);
            if (in == Stage1Context.OUT_OF_RANGE
                    || answersAts(tlb.peek(ctx.el2(), ctx.asid(), ctx.aset(), in >>> Vmsa.PAGE_SHIFT), accesses[i])) {
                continue;
            }
            long pa = walker.cachedDescriptor(ctx, in);
            if (pa != PageTableWalker.UNKNOWN) {
                pas[n++] = pa;
            }
        }
        DescriptorBurst.prefetch(bus, pas, n);
    }

    /** {@code d} as HTTU leaves it: AF set when HA manages it, AP[2] cleared when a write dirties it under HD. */
    private static long withHwFlags(Stage1Context ctx, long d, boolean dirtying) {
        long updated = d;
        if (!Pte.AF.isSet(d) && ctx.ha()) {
            updated = Pte.AF.with(updated, true);
        }
        if (dirtying) {
            updated = Pte.AP_RDONLY.with(updated, false);
        }
        return updated;
    }

    /**
     * Writes the HTTU update of the leaf, if there is one, and fills the TLB. Null when software changed the
     * descriptor since the walk read it: the caller walks again, as the hardware's CAS loop does.
     */
    private Outcome commit(Stage1Context ctx, long in, PageTableWalker.Leaf leaf, long updated, int perms, CostMeter cost, long fill) {
        if (updated != leaf.desc()) {
            int r = update(leaf, updated, cost);
            if (r == RACED) {
                return null;
            }
            if (r == ABORTED) {
                return new Faulted(EventType.F_WALK_EABT, leaf.descPa());
            }
            perms = ctx.perms(updated, leaf.tableAttrs());
        }
        return fill(ctx, in, leaf, perms, fill);
    }

    private static final int UPDATED = 0;
    private static final int RACED = 1;
    private static final int ABORTED = 2;

    /** CAS of the leaf from what the walk read to {@code updated}: RACED when software changed it meanwhile. */
    private int update(PageTableWalker.Leaf leaf, long updated, CostMeter cost) {
        cost.casUpdates++;
        DescriptorBurst.forget(leaf.descPa());
        try {
            return bus.compareAndSwap64(leaf.descPa(), leaf.desc(), updated) == leaf.desc() ? UPDATED : RACED;
        } catch (RuntimeException ex) {
            return ABORTED;
        }
    }

    private Mapped fill(Stage1Context ctx, long in, PageTableWalker.Leaf leaf, int perms, long fillEpoch) {
        int shift = Vmsa.levelShift(leaf.level());
        long pa = leaf.outputAddress(in);
        tlb.insert(new TlbEntry(ctx.el2(), ctx.asid(), !Pte.NG.isSet(leaf.desc()), ctx.aset(), in >>> Vmsa.PAGE_SHIFT,
                pa & Vmsa.PAGE_MASK, perms, in & -(1L << shift), shift), fillEpoch);
        return new Mapped(pa, perms, shift);
    }
}
