package org.svafabric.api.mm;

import java.time.Duration;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * Processes and their address spaces in mm-service: the system calls of the CPU side (fork/exit, mmap, munmap,
 * mprotect) and the kernel entry points other services use (handle_mm_fault, get_user_pages, the ASID pins of
 * arm64_mm_context_get/put).
 */
public interface MmProcessApi {

    /** 201 with the new process. */
    @PostExchange("/mm/v1/processes")
    ResponseEntity<MmViews.Process> create(@RequestBody MmRequests.CreateProcess body);

    /** Processes (of {@code uid}, or all), from the journal: this run's and earlier ones. */
    @GetExchange("/mm/v1/processes")
    MmViews.ProcessPage list(@RequestParam(required = false) Long uid, @RequestParam(defaultValue = "0") int page,
                             @RequestParam(defaultValue = "50") int size);

    /** The process with its VMAs and page counts; ESRCH for a pid nobody knows. */
    @GetExchange("/mm/v1/processes/{pid}")
    MmViews.Process get(@PathVariable("pid") long pid);

    /**
     * How long a caller waits for {@link #exit}: it answers once every MMU notifier acknowledged release, which
     * mm-service bounds by {@code mm.notifier.release-timeout} (60 s), itself above how long a device driver's mm_exit
     * may wait for the PASID's DMA to stop ({@code device.stop-timeout}, 30 s). Longer than both, so the answer is
     * mm-service's, not a read timeout of the caller's.
     */
    Duration EXIT_TIMEOUT = Duration.ofMinutes(2);

    /** 202: exit; the mm's teardown (notifier release, mm_exit) runs. Call it with {@link #EXIT_TIMEOUT}. */
    @DeleteExchange("/mm/v1/processes/{pid}")
    ResponseEntity<MmViews.Process> exit(@PathVariable("pid") long pid);

    /** 201 with the mapping. */
    @PostExchange("/mm/v1/processes/{pid}/mmap")
    ResponseEntity<MmViews.Mapping> mmap(@PathVariable("pid") long pid, @RequestBody MmRequests.Mmap body);

    @PostExchange("/mm/v1/processes/{pid}/munmap")
    ResponseEntity<Void> munmap(@PathVariable("pid") long pid, @RequestBody MmRequests.Range body);

    @PostExchange("/mm/v1/processes/{pid}/mprotect")
    ResponseEntity<Void> mprotect(@PathVariable("pid") long pid, @RequestBody MmRequests.Mprotect body);

    @PostExchange("/mm/v1/processes/{pid}/reclaim")
    MmViews.Reclaimed reclaim(@PathVariable("pid") long pid, @RequestBody MmRequests.Reclaim body);

    /** handle_mm_fault for the addresses of one page-request group, in order; one result per address. */
    @PostExchange("/mm/v1/processes/{pid}/fault")
    MmViews.FaultResults fault(@PathVariable("pid") long pid, @RequestBody MmRequests.Faults body);

    /** get_user_pages: the physical pages, one per virtual page. */
    @PostExchange("/mm/v1/processes/{pid}/pin")
    MmViews.Pinned pin(@PathVariable("pid") long pid, @RequestBody MmRequests.Pin body);

    /** Works on an exited process too: the pinner releases what it still holds. */
    @PostExchange("/mm/v1/processes/{pid}/unpin")
    ResponseEntity<Void> unpin(@PathVariable("pid") long pid, @RequestBody MmRequests.Range body);

    /** arm64_mm_context_get: the ASID stays the mm's across rollovers. */
    @PostExchange("/mm/v1/processes/{pid}/asid/pin")
    MmViews.Asid pinAsid(@PathVariable("pid") long pid);

    /** arm64_mm_context_put; allowed after exit, the SMMU context may outlive the process. */
    @PostExchange("/mm/v1/processes/{pid}/asid/unpin")
    ResponseEntity<Void> unpinAsid(@PathVariable("pid") long pid);
}
