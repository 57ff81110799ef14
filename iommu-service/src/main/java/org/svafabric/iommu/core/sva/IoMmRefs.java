package org.svafabric.iommu.core.sva;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.core.port.MmPort;

/**
 * Drops io_mm references and frees what the last one leaves behind on the CPU side. By the time an io_mm is
 * freed its PASID is already back in the allocator and no CD names it, so failures here only leak a pin on
 * mm-service and are logged rather than thrown: the unbind or exit that dropped the reference succeeded.
 */
final class IoMmRefs {
    private static final Logger log = LoggerFactory.getLogger(IoMmRefs.class);

    private final IoMmTable table;
    private final MmPort mm;

    IoMmRefs(IoMmTable table, MmPort mm) {
        this.table = table;
        this.mm = mm;
    }

    void put(IoMm io) {
        if (table.put(io)) {
            freed(io);
        }
    }

    /**
     * Undoes the io_mm's hold on the process: the notifier registration, unless the mm exited (mm-service
     * dropped its notifiers when it called release), and the ASID pin (allowed after exit, like
     * mm_context_put).
     */
    void freed(IoMm io) {
        if (io.mmExited) {
            unpin(io);
            return;
        }
        try {
            mm.unsubscribeAndUnpin(io.pid, io.subscriptionId);
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ENOENT) {
                log.info("{}: notifier of pid {} already gone (ASID unpinned): {}", io, io.pid, e.getMessage());
            } else {
                log.warn("{}: could not unregister the notifier and unpin ASID {} of pid {}: {}", io, io.asid, io.pid, e.getMessage());
            }
        }
    }

    private void unpin(IoMm io) {
        try {
            mm.unpinAsid(io.pid);
        } catch (ErrnoException e) {
            log.warn("{}: could not unpin ASID {} of pid {}: {}", io, io.asid, io.pid, e.getMessage());
        }
    }
}
