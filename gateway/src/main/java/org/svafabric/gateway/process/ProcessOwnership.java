package org.svafabric.gateway.process;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.gateway.security.Caller;


/**
 * Decides whether a caller may touch a process. A process of another uid answers exactly like a
 * process that does not exist (ESRCH, 404), so tokens cannot probe other uids' pids. A pid's uid
 * never changes and pids are never reused, so the owner is cached after the first lookup.
 */
@Component
public class ProcessOwnership {
    private final ServiceClients clients;
    private final Map<Long, Long> ownerByPid = new ConcurrentHashMap<>();

    public ProcessOwnership(ServiceClients clients) {
        this.clients = clients;
    }

    public void requireOwned(Caller caller, long pid) {
        if (!caller.owns(ownerOf(pid))) {
            throw ErrnoException.noProcess(pid);
        }
    }

    /** The process's uid, or ESRCH when mm-service does not know the pid. */
    public long ownerOf(long pid) {
        if (pid <= 0) {
            throw ErrnoException.noProcess(pid);
        }
        Long uid = ownerByPid.get(pid);
        if (uid != null) {
            return uid;
        }
        long owner = clients.mm().get(pid).uid();
        ownerByPid.put(pid, owner);
        return owner;
    }

    /** Remembers the owner of a process the gateway just created. */
    public void remember(long pid, long uid) {
        ownerByPid.put(pid, uid);
    }
}
