package org.svafabric.gateway.vfio;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.wire.ProcessState;

/**
 * Keeps the VFIO state in the gateway's database true to what the machine holds, after a restart of the
 * gateway or a reboot of RAM (mm-service) or of the SMMU (iommu-service):
 * <ul>
 * <li>a container whose process is not RUNNING (LOST after a reboot of RAM, or exited while the gateway was
 * down) is closed: its rows go, and whatever the SMMU still has of it is freed;</li>
 * <li>a container whose private domain the SMMU no longer has (it rebooted) loses its mappings: the pages they
 * pinned are unpinned, and VFIO_SET_IOMMU must be done again;</li>
 * <li>a BIND whose PASID the SMMU no longer holds for that process is forgotten.</li>
 * </ul>
 * Runs on one thread of its own, never inside the request that noticed the reboot.
 */
@Component
public class VfioReconciler implements PeerRebootListener {
    private static final Logger log = LoggerFactory.getLogger(VfioReconciler.class);

    private final ServiceClients clients;
    private final VfioContainers containers;
    private final VfioGroupsAttached attached;
    private final VfioDmas dmas;
    private final VfioBinds binds;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vfio-reconcile");
        t.setDaemon(true);
        return t;
    });

    public VfioReconciler(ServiceClients clients, VfioContainers containers, VfioGroupsAttached attached, VfioDmas dmas,
                          VfioBinds binds) {
        this.clients = clients;
        this.containers = containers;
        this.attached = attached;
        this.dmas = dmas;
        this.binds = binds;
    }

    @Override
    public void peerRebooted(PeerReboot r) {
        if (BootId.MM.equals(r.service()) || BootId.IOMMU.equals(r.service())) {
            worker.submit(() -> reconcileQuietly(r.describe()));
        }
    }

    /** The gateway restarted: what its database says may have changed under it. */
    @EventListener(ApplicationReadyEvent.class)
    public void onStart() {
        worker.submit(() -> reconcileQuietly("gateway restarted"));
    }

    private void reconcileQuietly(String why) {
        try {
            int changed = reconcile();
            if (changed > 0) {
                log.warn("{}: {} VFIO containers reconciled with mm-service and iommu-service", why, changed);
            }
        } catch (RuntimeException e) {
            log.warn("VFIO reconciliation after '{}' did not finish: {}", why, e.getMessage());
        }
    }

    /** One pass over every container; returns how many changed. */
    public int reconcile() {
        int changed = 0;
        for (VfioContainer c : containers.findAll()) {
            if (!running(c.getPid())) {
                close(c);
                changed++;
                continue;
            }
            boolean touched = false;
            if (c.getDomainId() != null && !domainExists(c.getDomainId())) {
                for (VfioDma d : dmas.findByContainerIdOrderByIova(c.getId())) {
                    unpin(c.getPid(), d.getVaddr(), d.getSize());
                    dmas.delete(d);
                }
                c.clearIommu();
                containers.save(c);
                touched = true;
            }
            for (VfioBind b : binds.findByContainerId(c.getId())) {
                if (!pasidHeldBy(b.getPasid(), b.getPid())) {
                    binds.delete(b);
                    touched = true;
                }
            }
            changed += touched ? 1 : 0;
        }
        return changed;
    }

    private void close(VfioContainer c) {
        binds.deleteAll(binds.findByContainerId(c.getId()));
        // The pins outlive the process (a pinned frame stays allocated until its pinner unpins it): release them.
        for (VfioDma d : dmas.findByContainerIdOrderByIova(c.getId())) {
            unpin(c.getPid(), d.getVaddr(), d.getSize());
            dmas.delete(d);
        }
        if (c.getDomainId() != null && domainExists(c.getDomainId())) {
            try {
                clients.iommu().freeDomain(c.getDomainId());
            } catch (ErrnoException e) {
                log.info("domain {} of container {} not freed: {}", c.getDomainId(), c.getId(), e.getMessage());
            }
        }
        attached.deleteAll(attached.findByContainerId(c.getId()));
        containers.delete(c);
    }

    private boolean running(long pid) {
        try {
            MmViews.Process p = clients.mm().get(pid);
            return p != null && p.state() == ProcessState.RUNNING;
        } catch (ErrnoException e) {
            if (e.errno() == Errno.ESRCH || e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    private boolean domainExists(long id) {
        try {
            clients.iommu().domain(id);
            return true;
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                return false;
            }
            throw e;
        }
    }

    private boolean pasidHeldBy(int pasid, long pid) {
        try {
            IommuViews.Pasid p = clients.iommu().find(pasid);
            return p != null && p.pid() == pid;
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                return false;
            }
            throw e;
        }
    }

    private void unpin(long pid, long vaddr, long size) {
        try {
            clients.mm().unpin(pid, new MmRequests.Range(Addr.of(vaddr), size));
        } catch (ErrnoException e) {
            log.debug("unpin of pid {} [{}+{}] failed: {}", pid, Addr.hex(vaddr), size, e.getMessage());
        }
    }
}
