package org.svafabric.mm.process;

import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Pte;

/**
 * mmap/mprotect protection (PROT_READ | PROT_WRITE | PROT_EXEC), written as a string of r, w, x
 * ("rw", "rx", "" or "none" for PROT_NONE). Kept as given (the VMA's VM_READ/VM_WRITE/VM_EXEC);
 * the page descriptor is derived from it by {@link #descriptor}.
 */
public record Prot(boolean read, boolean write, boolean exec) {
    public static final Prot NONE = new Prot(false, false, false);
    public static final Prot RW = new Prot(true, true, false);

    public static Prot parse(String s) {
        if (s == null) {
            throw ErrnoException.invalid("prot is required (a combination of r, w, x, or \"none\")");
        }
        String t = s.trim();
        if (t.isEmpty() || t.equals("none")) {
            return NONE;
        }
        boolean r = false;
        boolean w = false;
        boolean x = false;
        for (char c : t.toCharArray()) {
            switch (c) {
                case 'r' -> {
                    if (r) {
                        throw bad(s);
                    }
                    r = true;
                }
                case 'w' -> {
                    if (w) {
                        throw bad(s);
                    }
                    w = true;
                }
                case 'x' -> {
                    if (x) {
                        throw bad(s);
                    }
                    x = true;
                }
                default -> throw bad(s);
            }
        }
        return new Prot(r, w, x);
    }

    private static ErrnoException bad(String s) {
        return ErrnoException.invalid("bad prot \"" + s + "\": use a combination of r, w, x (each once), \"\" or \"none\"");
    }

    public boolean allows(Access a) {
        return switch (a) {
            case READ -> read;
            case WRITE -> write;
            case EXEC -> exec;
        };
    }

    /** True if {@code next} removes an access this one grants (the change needs a TLB invalidation). */
    public boolean losesTo(Prot next) {
        return (read && !next.read) || (write && !next.write) || (exec && !next.exec);
    }

    /**
     * The page descriptor arm64 Linux writes for a present page of a VMA with this protection.
     * PROT_NONE keeps the page mapped with no EL0 access (AP[1] = 0) so that its frame and bytes
     * stay put; Linux instead clears Valid and sets its software PTE_PROT_NONE bit.
     */
    public long descriptor(long pa, boolean young, boolean dirty) {
        return Pte.userPage(pa, read, write, exec, young, dirty);
    }

    @Override
    public String toString() {
        if (!read && !write && !exec) {
            return "none";
        }
        return (read ? "r" : "") + (write ? "w" : "") + (exec ? "x" : "");
    }
}
