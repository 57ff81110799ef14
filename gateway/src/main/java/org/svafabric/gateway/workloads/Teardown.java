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
    private record Step(String what, Runnable undo) {
    }

    private final Deque<Step> steps = new ArrayDeque<>();

    synchronized void push(String what, Runnable undo) {
        steps.push(new Step(what, undo));
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
        }
    }
}
