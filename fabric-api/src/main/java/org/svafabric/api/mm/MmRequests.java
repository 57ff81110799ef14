package org.svafabric.api.mm;

import java.util.List;

import org.svafabric.api.json.Addr;

/**
 * Request bodies of mm-service's internal API. Fields are boxed so that a missing field is
 * seen as missing (and refused with EINVAL) rather than silently read as zero.
 */
public final class MmRequests {
    private MmRequests() {
    }

    /** POST /mm/v1/processes. */
    public record CreateProcess(String name, Long uid) {
    }

    /** POST .../mmap: anonymous private memory; {@code addr} is a hint, as mmap without MAP_FIXED. */
    public record Mmap(Long length, String prot, Boolean populate, Addr addr) {
    }

    /** POST .../munmap and .../unpin. */
    public record Range(Addr addr, Long length) {
    }

    /** POST .../mprotect. */
    public record Mprotect(Addr addr, Long length, String prot) {
    }

    /** POST .../reclaim: either a range ({@code addr}, {@code length}) or a number of {@code pages}. */
    public record Reclaim(Addr addr, Long length, Long pages) {
    }

    /** POST .../pin: get_user_pages; {@code write} is FOLL_WRITE. */
    public record Pin(Addr addr, Long length, Boolean write) {
    }

    /** POST .../fault: the addresses of one page-request group, handled in order. */
    public record Faults(List<Fault> faults) {
    }

    /** One faulting address; {@code access} is read, write or exec. */
    public record Fault(Addr addr, String access, Boolean privileged) {
    }

    /** POST .../notifiers: an MMU-notifier subscription; {@code btm}: the subscriber also wants the CPU's TLBIs. */
    public record Subscribe(String callbackUrl, Boolean btm) {
    }

    /** POST /mm/v1/bus/cas. */
    public record Cas(Addr pa, Word64 expected, Word64 update) {
    }

    /** POST /mm/v1/bus/pages. */
    public record AllocPages(String owner, Integer count) {
    }

    /** POST /mm/v1/bus/pages/free. */
    public record FreePages(String owner, Addr pa, Integer count) {
    }
}
