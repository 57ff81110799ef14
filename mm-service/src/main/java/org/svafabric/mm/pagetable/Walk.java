package org.svafabric.mm.pagetable;

import org.svafabric.api.pagetable.Pte;

/**
 * Where a software walk of the stage-1 tables stopped: at {@code level}, on the descriptor at
 * physical address {@code ptep} whose value was {@code descriptor}. A walk that reaches a valid
 * level-3 page descriptor is a translation; any other stop is a translation fault at that level.
 */
public record Walk(int level, long ptep, long descriptor) {

    public boolean isPage() {
        return Pte.isPage(descriptor, level);
    }

    /** The output address of {@code va} (valid only if {@link #isPage()}). */
    public long pa(long va) {
        return Pte.outputAddress(descriptor) | (va & 0xfffL);
    }

    /** The permissions this page grants, as the MMU would check them. */
    public PagePermissions permissions() {
        return PagePermissions.of(descriptor);
    }
}
