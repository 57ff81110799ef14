package org.svafabric.mm.pagetable;

/**
 * A translation table unhooked from its parent: the parent descriptor at {@code parentPtep}
 * held {@code parentDescriptor}, pointing at the table's frame {@code tablePfn}. Kept until the
 * secondary TLBs (walk caches included) were invalidated; then the frame is freed, or on
 * failure the table is hooked back.
 */
public record DetachedTable(long parentPtep, long parentDescriptor, int tablePfn) {
}
