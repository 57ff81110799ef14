package org.svafabric.mm.pagetable;

/** Called for each non-zero level-3 descriptor (a page or a swap entry) of a range, in VA order. */
@FunctionalInterface
public interface PteVisitor {
    void visit(long va, long ptep, long descriptor);
}
