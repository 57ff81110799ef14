package org.svafabric.api.mm;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.svafabric.api.json.Addr;
import org.svafabric.api.wire.ProcessState;

/** Response bodies of mm-service's internal API. */
public final class MmViews {
    private MmViews() {
    }

    /**
     * A process. The list endpoint returns the summary (pid .. pgd); the single-process endpoint
     * adds the VMAs and page counts. {@code asid} and {@code pgd} are absent once the mm is gone.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Process(long pid, String name, long uid, ProcessState state, Integer asid, Addr pgd, String exitReason,
                          List<Vma> vmas, Long residentPages, Long swappedPages, Long pinnedPages) {
        public static Process summary(long pid, String name, long uid, ProcessState state, Integer asid, Addr pgd, String exitReason) {
            return new Process(pid, name, uid, state, asid, pgd, exitReason, null, null, null, null);
        }
    }

    public record Vma(Addr start, Addr end, long length, String prot, long pinnedPages) {
    }

    public record ProcessPage(List<Process> items, int page, int size, long total) {
    }

    public record Mapping(Addr addr, long length, String prot) {
    }

    public record Reclaimed(long reclaimed) {
    }

    public record FaultResults(List<FaultResult> results) {
    }

    /**
     * Outcome of handle_mm_fault for one address; {@code errno} and {@code reason} only when it failed,
     * {@code kind} ({@code minor}, {@code major}, {@code swap-in}: what servicing it took) only when it did not.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FaultResult(Addr addr, boolean ok, String errno, String reason, String kind) {
    }

    /** The physical pages get_user_pages pinned, one per virtual page, in order. */
    public record Pinned(List<Addr> pages) {
    }

    public record Asid(int asid) {
    }

    public record Subscription(long id, Addr pgd, int asid) {
    }

    public record Watermarks(long min, long low, long high) {
    }

    public record Ram(long totalFrames, long freeFrames, Watermarks watermarks, long pinnedPages, long swapSlotsUsed,
                      Map<String, Long> kernelPages) {
    }

    public record CasResult(Word64 found) {
    }

    public record KernelPages(Addr pa) {
    }
}
