package org.svafabric.gateway.process;

import java.util.List;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.api.wire.Headers;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Answers;
import org.svafabric.gateway.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The CPU side of the public API: processes, their anonymous memory, and CPU reads and writes.
 * A thin adapter: checks the caller owns the process, then forwards to mm-service ({@link MmApi}), whose
 * problem answers (with their errno) are relayed unchanged.
 */
@RestController
@RequestMapping("/api/v1/processes")
@Tag(name = "Processes", description = "Processes, mmap/munmap/mprotect, CPU memory access, reclaim")
public class ProcessController {
    private final MmApi mm;
    /** Exit waits for the bound devices' mm_exit handlers to stop their DMA (see {@link MmApi#EXIT_TIMEOUT}). */
    private final MmApi exitingMm;
    private final ProcessOwnership ownership;

    public ProcessController(ServiceClients clients, ProcessOwnership ownership) {
        this.mm = clients.mm();
        this.exitingMm = clients.of(RemoteService.MM, MmApi.class, MmApi.EXIT_TIMEOUT);
        this.ownership = ownership;
    }

    @PostMapping
    @Operation(summary = "Create a process (uid defaults to the caller's)")
    @Answers(status = 201, problems = {400, 403})
    public ResponseEntity<MmViews.Process> create(Caller caller, @Valid @RequestBody ProcessRequests.Create body) {
        long uid = body.uid() == null ? caller.uid() : body.uid();
        if (!caller.owns(uid)) {
            throw new ErrnoException(Errno.EPERM, "uid-not-permitted",
                    "a token of uid " + caller.uid() + " cannot create processes of uid " + uid);
        }
        MmViews.Process p = mm.create(new MmRequests.CreateProcess(body.name(), uid)).getBody();
        if (p != null) {
            ownership.remember(p.pid(), uid);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(p);
    }

    @GetMapping
    @Operation(summary = "The caller's processes (admin: all), paged: ?page=&size=, X-Total-Count and Link headers")
    @Answers(status = 200, problems = {400})
    public ResponseEntity<List<MmViews.Process>> list(Caller caller, @Parameter(description = "Page number, 0 first") @RequestParam(required = false) Integer page,
                                                      @Parameter(description = "Page size, 1..1000 (default 100)") @RequestParam(required = false) Integer size) {
        Paging.check(page, size);
        int p = page == null ? 0 : page;
        int s = size == null ? Paging.DEFAULT_SIZE : size;
        MmViews.ProcessPage r = mm.list(caller.isAdmin() ? null : caller.uid(), p, s);
        long total = r == null ? 0 : r.total();
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header(Headers.TOTAL_COUNT, String.valueOf(total));
        if ((long) (p + 1) * s < total) {
            ok.header("Link", "</api/v1/processes?page=" + (p + 1) + "&size=" + s + ">; rel=\"next\"");
        }
        return ok.body(r == null || r.items() == null ? List.of() : r.items());
    }

    @GetMapping("/{pid}")
    @Operation(summary = "A process with its VMAs and resident/swapped page counts")
    @Answers(status = 200, problems = {404})
    public MmViews.Process get(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid) {
        ownership.requireOwned(caller, pid);
        return mm.get(pid);
    }

    @DeleteMapping("/{pid}")
    @Operation(summary = "Exit: mm teardown runs (release to MMU notifiers, mm_exit to bound devices)")
    @Answers(status = 202, problems = {404})
    public ResponseEntity<MmViews.Process> exit(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid) {
        ownership.requireOwned(caller, pid);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(exitingMm.exit(pid).getBody());
    }

    @PostMapping("/{pid}/mmap")
    @Operation(summary = "Anonymous mmap (like malloc of a large buffer)")
    @Answers(status = 201, problems = {400, 404, 409})
    public ResponseEntity<MmViews.Mapping> mmap(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Valid @RequestBody ProcessRequests.Mmap body) {
        ownership.requireOwned(caller, pid);
        MmViews.Mapping r = mm.mmap(pid, new MmRequests.Mmap(body.length(), body.prot() == null ? "rw" : body.prot(),
                Boolean.TRUE.equals(body.populate()), body.addr())).getBody();
        return ResponseEntity.status(HttpStatus.CREATED).body(r);
    }

    @PostMapping("/{pid}/munmap")
    @Operation(summary = "munmap: returns after every IOTLB/ATC that could hold the range was invalidated")
    @Answers(status = 204, problems = {400, 404})
    public ResponseEntity<Void> munmap(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Valid @RequestBody ProcessRequests.Range body) {
        ownership.requireOwned(caller, pid);
        mm.munmap(pid, new MmRequests.Range(body.addr(), body.length()));
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{pid}/mprotect")
    @Operation(summary = "mprotect a range")
    @Answers(status = 204, problems = {400, 404})
    public ResponseEntity<Void> mprotect(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Valid @RequestBody ProcessRequests.Mprotect body) {
        ownership.requireOwned(caller, pid);
        mm.mprotect(pid, new MmRequests.Mprotect(body.addr(), body.length(), body.prot()));
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{pid}/memory", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(summary = "The CPU writes bytes at addr (faulting pages in)")
    @Answers(status = 204, problems = {400, 404, 413})
    public ResponseEntity<Void> write(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Parameter(description = "Virtual address: hex (0x...) or decimal", example = "0x7f0000000000") @RequestParam String addr, @RequestBody byte[] data) {
        ownership.requireOwned(caller, pid);
        mm.write(pid, Addr.hex(parseAddr(addr)), data);
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/{pid}/memory", produces = {MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Operation(summary = "The CPU reads length bytes at addr")
    @Answers(status = 200, problems = {400, 404, 413})
    public ResponseEntity<byte[]> read(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Parameter(description = "Virtual address: hex (0x...) or decimal", example = "0x7f0000000000") @RequestParam String addr, @Parameter(description = "Bytes to read", example = "4096") @RequestParam long length) {
        ownership.requireOwned(caller, pid);
        if (length < 0) {
            throw ErrnoException.invalid("length must not be negative");
        }
        byte[] bytes = mm.read(pid, Addr.hex(parseAddr(addr)), length).getBody();
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(bytes == null ? new byte[0] : bytes);
    }

    @PostMapping("/{pid}/reclaim")
    @Operation(summary = "Swap pages out (a range, or a number of pages) so the next access faults")
    @Answers(status = 200, problems = {400, 404})
    public MmViews.Reclaimed reclaim(Caller caller, @Parameter(description = "Process id (pid), one of the caller's processes", example = "12") @PathVariable long pid, @Valid @RequestBody ProcessRequests.Reclaim body) {
        ownership.requireOwned(caller, pid);
        MmRequests.Reclaim req;
        if (body.addr() != null || body.length() != null) {
            if (body.addr() == null || body.length() == null || body.pages() != null) {
                throw ErrnoException.invalid("reclaim takes either {addr, length} or {pages}");
            }
            req = new MmRequests.Reclaim(body.addr(), body.length(), null);
        } else if (body.pages() != null) {
            req = new MmRequests.Reclaim(null, null, body.pages());
        } else {
            throw ErrnoException.invalid("reclaim takes either {addr, length} or {pages}");
        }
        return mm.reclaim(pid, req);
    }

    private static long parseAddr(String addr) {
        try {
            return Addr.parseHex(addr);
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid(e.getMessage());
        }
    }
}
