package org.svafabric.mm.pagetable;

import org.svafabric.api.pagetable.Pte;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.ram.Ram;

/**
 * The CPU MMU's stage-1 walk of a 48-bit VA with a 4 KiB granule: level 0 to 3, each level
 * indexing 9 VA bits ({@link Vmsa#index}). Stops at the first descriptor that is not a table:
 * a page at level 3, or an invalid descriptor (translation fault at that level). Block
 * descriptors are never written by the CPU side and are reported as where the walk stopped.
 */
public final class Walker {
    private Walker() {
    }

    public static Walk walk(Ram ram, long pgd, long va) {
        if (va < 0 || va >= Vmsa.USER_VA_END) {
            throw new IllegalArgumentException("VA " + Ram.hex(va) + " is outside the 48-bit TTBR0 range");
        }
        long table = pgd;
        for (int level = 0; ; level++) {
            long ptep = table + (long) Vmsa.index(va, level) * Vmsa.DESCRIPTOR_SIZE;
            long d = ram.read64(ptep);
            if (level == 3 || !Pte.isTable(d, level)) {
                return new Walk(level, ptep, d);
            }
            table = Pte.nextTable(d);
        }
    }
}
