package org.svafabric.gateway.workloads;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.svafabric.api.error.ErrnoException;

/**
 * What a workload created, undone in reverse order of creation (unbind before exit, close the
 * container before exit). Every step runs even when an earlier one failed; the failures are
 * returned so the workload can report them rather than lose them.
 */
final class Teardown {
    /**
     * What one step undoes, as it is persisted: {@code kind} process (pid), bond (device, pasid) or
     * container (id). Null for steps that need no recovery after a restart.
     */
    record Resource(String kind, Long pid, String device, Integer pasid, Long container) {
        static Resource process(long pid) {
            return new Resource("process", pid, null, null, null);
        }

        static Resource bond(String device, int pasid) {
            return new Resource("bond", null, device, pasid, null);
        }

        static Resource container(long id) {
            return new Resource("container", null, null, null, id);
        }
    }

    private record Step(String what, Runnable undo, Resource resource) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();
    private final java.util.function.Consumer<List<Resource>> onChange;

    /** {@code onChange} hears the resources still to undo, last created first, after every change. */
    Teardown(java.util.function.Consumer<List<Resource>> onChange) {
        this.onChange = onChange;
    }

    Teardown() {
        this(r -> {
        });
    }

    void push(String what, Runnable undo, Resource resource) {
        List<Resource> now;
        synchronized (this) {
            steps.push(new Step(what, undo, resource));
            now = resources();
        }
        onChange.accept(now);
    }

    void push(String what, Runnable undo) {
        push(what, undo, null);
    }

    private List<Resource> resources() {
        return steps.stream().map(Step::resource).filter(java.util.Objects::nonNull).toList();
    }

    synchronized int size() {
        return steps.size();
    }

    /** Runs every step, last created first; returns what could not be undone, and why. */
    List<String> run() {
        List<String> failures = new ArrayList<>();
        while (true) {
            Step s;
            synchronized (this) {
                s = steps.poll();
            }
            if (s == null) {
                return failures;
            }
            try {
                s.undo().run();
            } catch (ErrnoException e) {
                failures.add(s.what() + ": " + e.errno() + " " + e.getMessage());
            } catch (RuntimeException e) {
                failures.add(s.what() + ": " + e);
            }
            if (s.resource() != null) {
                List<Resource> now;
                synchronized (this) {
                    now = resources();
                }
                onChange.accept(now);
            }
        }
    }
}
