package org.svafabric.gateway.workloads;

import java.util.List;
import java.util.Map;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * POST /workloads: what to run. Types and presence are checked here; everything that needs the
 * fabric (devices, limits, queues) by {@link WorkloadValidator}, before anything is created.
 *
 * @param devices             the devices the jobs are spread over
 * @param processes           processes the workload creates (of the caller's uid); buffers are spread over them
 * @param bufferBytes         each job's length; every buffer is this long
 * @param op                  memcpy or memset: the ops whose bytes the workload can check
 * @param mode                sva (bind, virtual addresses, faults) or pinned (VFIO MAP_DMA, IOVAs, pinned pages)
 * @param faultMode           warm (resident), cold (fresh destinations) or reclaim (swapped out while jobs run)
 * @param concurrency         jobs in flight
 * @param durationSeconds     how long the timed part runs (or {@code jobs})
 * @param jobs                how many jobs to run (instead of a duration)
 * @param reclaimEverySeconds reclaim: the reclaimer's period (default 1)
 * @param timing              timing-model cost overrides passed to every job (cost name to nanoseconds)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadRequest(@NotEmpty @Size(max = 16) List<@NotNull String> devices,
                              @NotNull Integer processes,
                              @NotNull @Positive Long bufferBytes,
                              @NotNull String op,
                              @NotNull String mode,
                              @NotNull String faultMode,
                              @NotNull Integer concurrency,
                              Integer durationSeconds,
                              Integer jobs,
                              Integer reclaimEverySeconds,
                              @Size(max = 64) Map<String, Long> timing) {

    public enum Mode { SVA, PINNED }

    public enum FaultMode { WARM, COLD, RECLAIM }

    public enum Op { MEMCPY, MEMSET }

    Mode parsedMode() {
        return parse(Mode.class, mode, "mode", "sva or pinned");
    }

    FaultMode parsedFaultMode() {
        return parse(FaultMode.class, faultMode, "faultMode", "warm, cold or reclaim");
    }

    Op parsedOp() {
        return parse(Op.class, op, "op", "memcpy or memset (the ops whose bytes a workload checks)");
    }

    int reclaimPeriodSeconds() {
        return reclaimEverySeconds == null ? 1 : reclaimEverySeconds;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field, String allowed) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new org.svafabric.api.error.ErrnoException(org.svafabric.api.error.Errno.EINVAL, "invalid-" + field.toLowerCase(),
                field + " must be " + allowed + ", not \"" + value + "\"");
    }
}
