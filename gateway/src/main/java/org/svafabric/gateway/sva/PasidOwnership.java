package org.svafabric.gateway.sva;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

import java.util.function.IntFunction;

import org.svafabric.api.iommu.IommuViews;
import org.svafabric.api.iommu.PasidView;

/** A PASID belongs to whoever owns the process bound with it (iommu_sva_find -> mm -> uid). */
@Component
public class PasidOwnership {
    private final ServiceClients clients;
    private final ProcessOwnership processes;

    public PasidOwnership(ServiceClients clients, ProcessOwnership processes) {
        this.clients = clients;
        this.processes = processes;
    }

    /** The pid of the process PASID {@code pasid} is bound for, or null when it is bound for none. */
    public Long ownerPid(int pasid) {
        try {
            IommuViews.Pasid mm = clients.iommu().find(pasid);
            return mm == null ? null : mm.pid();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** The PASID's io_mm if it belongs to one of the caller's processes; ESRCH otherwise (no leak). */
    public IommuViews.Pasid requireOwned(Caller caller, int pasid) {
        IommuViews.Pasid mm = lookup(pasid, p -> clients.iommu().find(p));
        requireVisible(caller, pasid, mm.pid());
        return mm;
    }

    /**
     * The same for a PASID whose process may be exiting: an unbind that arrives during the exit waits
     * for it and succeeds, and only the holder (or admin) may do it. Once the exit is done the PASID is
     * free (v1: release detaches every bond), and an unbind of it is ESRCH.
     */
    public PasidView requireHolderOwned(Caller caller, int pasid) {
        PasidView holder = lookup(pasid, p -> clients.iommu().holder(p));
        requireVisible(caller, pasid, holder.pid());
        return holder;
    }

    private static <T> T lookup(int pasid, IntFunction<T> call) {
        T found;
        try {
            found = call.apply(pasid);
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                throw noSuchPasid(pasid);
            }
            throw e;
        }
        if (found == null) {
            throw noSuchPasid(pasid);
        }
        return found;
    }

    private void requireVisible(Caller caller, int pasid, long pid) {
        if (!visible(caller, pid)) {
            throw noSuchPasid(pasid);
        }
    }

    public boolean visible(Caller caller, long pid) {
        try {
            return caller.owns(processes.ownerOf(pid));
        } catch (ErrnoException gone) {
            return caller.isAdmin();
        }
    }

    private static ErrnoException noSuchPasid(int pasid) {
        return new ErrnoException(Errno.ESRCH, "no-such-pasid", "no process is bound with PASID " + pasid
                + " (an exited process's bonds are released and its PASID freed at exit)");
    }
}
