package org.svafabric.gateway.sva;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.process.ProcessOwnership;
import org.svafabric.gateway.security.Caller;

import tools.jackson.databind.JsonNode;

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
            JsonNode mm = clients.iommu().get().uri("/iommu/v1/sva/pasids/{pasid}", pasid).retrieve().body(JsonNode.class);
            return mm == null || !mm.hasNonNull("pid") ? null : mm.get("pid").asLong();
        } catch (ErrnoException e) {
            return null;
        }
    }

    /** The PASID's io_mm if it belongs to one of the caller's processes; ESRCH otherwise (no leak). */
    public JsonNode requireOwned(Caller caller, int pasid) {
        return requireOwned(caller, pasid, "/iommu/v1/sva/pasids/{pasid}");
    }

    /**
     * The same for a PASID whose process may be exiting: an unbind that arrives during the exit waits
     * for it and succeeds, and only the holder (or admin) may do it. Once the exit is done the PASID is
     * free (v1: release detaches every bond), and an unbind of it is ESRCH.
     */
    public JsonNode requireHolderOwned(Caller caller, int pasid) {
        return requireOwned(caller, pasid, "/iommu/v1/sva/pasids/{pasid}/holder");
    }

    private JsonNode requireOwned(Caller caller, int pasid, String path) {
        JsonNode mm;
        try {
            mm = clients.iommu().get().uri(path, pasid).retrieve().body(JsonNode.class);
        } catch (ErrnoException e) {
            if (e.status().value() == 404) {
                throw noSuchPasid(pasid);
            }
            throw e;
        }
        if (mm == null || !visible(caller, mm.path("pid").asLong())) {
            throw noSuchPasid(pasid);
        }
        return mm;
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
