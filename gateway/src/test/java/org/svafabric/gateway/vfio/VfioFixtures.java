package org.svafabric.gateway.vfio;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Set;

import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.wire.ProcessState;
import org.svafabric.gateway.security.Caller;

/** Containers, callers and processes for the VFIO unit tests. */
final class VfioFixtures {
    private VfioFixtures() {
    }

    static final Caller ALICE = new Caller("alice", 1000, Set.of());
    static final Caller BOB = new Caller("bob", 1001, Set.of());
    static final Caller TRACER = new Caller("tracer", 1002, Set.of(Caller.PTRACE));

    /** A stored container: id {@code id}, opened by {@code pid} of uid 1000, with a domain if {@code domain} is not null. */
    static VfioContainer container(long id, long pid, Long domain) {
        VfioContainer c = new VfioContainer(1000, pid);
        try {
            Field f = VfioContainer.class.getDeclaredField("id");
            f.setAccessible(true);
            f.set(c, id);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        if (domain != null) {
            c.setIommu(VfioService.TYPE1V2, domain);
        }
        return c;
    }

    static MmViews.Process process(long pid, long uid, ProcessState state) {
        return MmViews.Process.summary(pid, "p" + pid, uid, state, 1, Addr.of(0x1000), null);
    }

    static MmViews.Pinned pinned(long... pas) {
        return new MmViews.Pinned(java.util.Arrays.stream(pas).mapToObj(Addr::of).toList());
    }

    static VfioGroups.Group group(int id, String... devices) {
        return new VfioGroups.Group(id, List.of(devices));
    }
}
