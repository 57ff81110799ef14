package org.svafabric.mm.process;

import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.pagetable.Vmsa;
import org.svafabric.mm.ram.Ram;

/**
 * Loads and stores by the process on the CPU (copy_from_user/copy_to_user style): the whole
 * range is checked against the VMAs first, so a bad range fails with EFAULT before a single
 * byte moves; then every page is faulted in, then the bytes are copied. The process runs on its
 * CPU meanwhile, so its ASID is switched in (which may roll the ASID generation over).
 */
public final class CpuAccess {
    private final Machine machine;
    private final PageFaults faults;

    public CpuAccess(Machine machine, PageFaults faults) {
        this.machine = machine;
        this.faults = faults;
    }

    public byte[] read(Mm mm, long va, long length) {
        checkLength(length);
        byte[] out = new byte[(int) length];
        mm.lock().readLock().lock();
        try {
            mm.checkLive();
            long[] pas = faultInAll(mm, va, length, Access.READ);
            Ram ram = machine.ram();
            copy(va, length, pas, (pa, off, n) -> ram.read(pa, out, off, n));
            return out;
        } finally {
            mm.lock().readLock().unlock();
        }
    }

    public void write(Mm mm, long va, byte[] data) {
        checkLength(data.length);
        mm.lock().readLock().lock();
        try {
            mm.checkLive();
            long[] pas = faultInAll(mm, va, data.length, Access.WRITE);
            Ram ram = machine.ram();
            copy(va, data.length, pas, (pa, off, n) -> ram.write(pa, data, off, n));
        } finally {
            mm.lock().readLock().unlock();
        }
    }

    private interface Chunk {
        void copy(long pa, int offset, int length);
    }

    private static void copy(long va, long length, long[] pas, Chunk chunk) {
        int done = 0;
        for (int i = 0; done < length; i++) {
            long a = va + done;
            int inPage = (int) (a & (Vmsa.PAGE_SIZE - 1));
            int n = (int) Math.min(length - done, Vmsa.PAGE_SIZE - inPage);
            chunk.copy(pas[i] + inPage, done, n);
            done += n;
        }
    }

    /** Checks the whole range, then faults every page in; returns each page's physical address. */
    private long[] faultInAll(Mm mm, long va, long length, Access access) {
        if (length == 0) {
            return new long[0];
        }
        if (va < 0 || va >= MmapLayout.TASK_SIZE || length > MmapLayout.TASK_SIZE - va) {
            throw efault(va, length, "is outside the user address space");
        }
        long end = va + length;
        long at = va;
        for (Vma v : mm.vmas().overlapping(va, end)) {
            if (v.start() > at) {
                throw efault(at, v.start() - at, "is not mapped");
            }
            if (!v.prot().allows(access)) {
                throw efault(Math.max(v.start(), va), Math.min(v.end(), end) - Math.max(v.start(), va),
                        "is in a VMA with prot \"" + v.prot() + "\" (" + access.name().toLowerCase() + " not allowed)");
            }
            at = v.end();
        }
        if (at < end) {
            throw efault(at, end - at, "is not mapped");
        }
        machine.asids().switchTo(mm.context(), mm.cpu());
        long first = Vmsa.pageDown(va);
        long[] pas = new long[(int) ((Vmsa.pageUp(end) - first) >>> Vmsa.PAGE_SHIFT)];
        for (int i = 0; i < pas.length; i++) {
            long page = first + ((long) i << Vmsa.PAGE_SHIFT);
            pas[i] = faults.faultIn(mm, page, mm.vmas().find(page).prot(), access == Access.WRITE);
        }
        return pas;
    }

    private void checkLength(long length) {
        if (length < 0) {
            throw ErrnoException.invalid("length must not be negative");
        }
        if (length > machine.maxAccessBytes()) {
            throw new ErrnoException(Errno.E2BIG, "access-too-large", "one CPU access is limited to "
                    + machine.maxAccessBytes() + " bytes, asked for " + length);
        }
    }

    private static ErrnoException efault(long va, long length, String why) {
        return new ErrnoException(Errno.EFAULT, "bad-address", "[" + Ram.hex(va) + ", " + Ram.hex(va + length) + ") " + why);
    }
}
