package org.svafabric.mm.reboot;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.notifier.Subscription;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.Process;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.mm.process.ProcessTable;
import org.svafabric.mm.ram.KernelPageAllocator;

/**
 * iommu-service rebooted: its SMMU driver is gone, and what it held in this kernel goes with it, as the pages
 * of an unloaded driver do. Its kernel pages (stream table, CD tables, queues, io-pgtables) are freed, its MMU
 * notifiers unregistered and the ASIDs it pinned for shared CDs unpinned, and an exit its release blocked (the
 * driver was going down and did not answer) is finished. This runs before the new driver's
 * first call is handled (its boot id is on that call), so the new driver's allocations are never touched.
 */
public final class IommuReboots implements PeerRebootListener {
    private static final Logger log = LoggerFactory.getLogger(IommuReboots.class);
    /** The kernel-page owners of the SMMU drivers ({@code "iommu-" + SMMU name}). */
    static final String OWNER_PREFIX = "iommu-";

    private final ProcessTable processes;
    private final KernelPageAllocator kernelPages;
    private final AsidAllocator asids;
    private final String iommuUrl;

    public IommuReboots(ProcessTable processes, KernelPageAllocator kernelPages, AsidAllocator asids, String iommuUrl) {
        this.processes = processes;
        this.kernelPages = kernelPages;
        this.asids = asids;
        this.iommuUrl = iommuUrl;
    }

    @Override
    public void peerRebooted(PeerReboot r) {
        if (!BootId.IOMMU.equals(r.service())) {
            return;
        }
        long pages = kernelPages.freeAll(owner -> owner.startsWith(OWNER_PREFIX));
        int subscriptions = 0;
        int unpinned = 0;
        List<Process> blockedExits = new ArrayList<>();
        for (Process p : processes.all()) {
            if (p.state() == ProcessState.EXITED) {
                continue;
            }
            Mm mm = p.mm();
            for (Subscription s : mm.notifiers().subscriptions()) {
                if (s.callbackUrl().startsWith(iommuUrl) && mm.notifiers().unsubscribe(s.id())) {
                    subscriptions++;
                }
            }
            while (asids.pinnedCount(mm.context()) > 0) {
                asids.unpin(mm.context());
                unpinned++;
            }
            if (p.state() == ProcessState.EXITING) {
                blockedExits.add(p);
            }
        }
        // An exit that failed because the old driver's release did not answer (it was going down) stays EXITING
        // with all its memory; with that subscriber gone it can finish now.
        int exited = 0;
        for (Process p : blockedExits) {
            try {
                processes.exit(p.pid());
                exited++;
            } catch (RuntimeException e) {
                log.warn("exit of pid {} still blocked after {}: {}", p.pid(), r.describe(), e.getMessage());
            }
        }
        log.warn("{}: freed {} kernel pages of the old SMMU driver, dropped {} MMU notifiers, unpinned {} ASIDs,"
                + " finished {} exits it blocked", r.describe(), pages, subscriptions, unpinned, exited);
    }
}
