package org.svafabric.gateway.process;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.svafabric.api.json.Addr;

/** Request bodies of the public /processes API (shared/API.md). Types are checked here; semantics by mm-service. */
public final class ProcessRequests {
    private ProcessRequests() {
    }

    /** {@code uid} defaults to the caller's; only admin may create processes of another uid. */
    public record Create(@NotBlank @Size(max = 64) String name, @PositiveOrZero Long uid) {
    }

    public record Mmap(@NotNull @Positive Long length, @Size(max = 8) String prot, Boolean populate, Addr addr) {
    }

    public record Range(@NotNull Addr addr, @NotNull @Positive Long length) {
    }

    public record Mprotect(@NotNull Addr addr, @NotNull @Positive Long length, @NotNull @Size(max = 8) String prot) {
    }

    /** Either a range, or a number of pages to reclaim from the process. */
    public record Reclaim(Addr addr, @Positive Long length, @Positive Long pages) {
    }
}
