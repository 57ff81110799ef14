package org.svafabric.gateway.process;

import java.util.LinkedHashMap;
import java.util.Map;

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
import org.springframework.web.client.RestClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.gateway.security.Caller;
import org.svafabric.gateway.web.Paging;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.JsonNode;

/**
 * The CPU side of the public API: processes, their anonymous memory, and CPU reads and writes.
 * A thin adapter: checks the caller owns the process, then forwards to mm-service, whose
 * problem answers (with their errno) are relayed unchanged.
 */
@RestController
@RequestMapping("/api/v1/processes")
@Tag(name = "Processes", description = "Processes, mmap/munmap/mprotect, CPU memory access, reclaim")
public class ProcessController {
    private final ServiceClients clients;
    private final ProcessOwnership ownership;

    public ProcessController(ServiceClients clients, ProcessOwnership ownership) {
        this.clients = clients;
        this.ownership = ownership;
    }

    private RestClient mm() {
        return clients.mm();
    }

    @PostMapping
    @Operation(summary = "Create a process (uid defaults to the caller's)")
    public ResponseEntity<JsonNode> create(Caller caller, @Valid @RequestBody ProcessRequests.Create body) {
        long uid = body.uid() == null ? caller.uid() : body.uid();
        if (!caller.owns(uid)) {
            throw new ErrnoException(Errno.EPERM, "uid-not-permitted",
                    "a token of uid " + caller.uid() + " cannot create processes of uid " + uid);
        }
        JsonNode p = mm().post().uri("/mm/v1/processes").body(Map.of("name", body.name(), "uid", uid))
                .retrieve().body(JsonNode.class);
        ownership.remember(p.path("pid").asLong(), uid);
        return ResponseEntity.status(HttpStatus.CREATED).body(p);
    }

    @GetMapping
    @Operation(summary = "The caller's processes (admin: all), paged: ?page=&size=, X-Total-Count and Link headers")
    public ResponseEntity<JsonNode> list(Caller caller, @RequestParam(required = false) Integer page,
                                         @RequestParam(required = false) Integer size) {
        Paging.check(page, size);
        int p = page == null ? 0 : page;
        int s = size == null ? Paging.DEFAULT_SIZE : size;
        JsonNode r = mm().get().uri(b -> {
            b.path("/mm/v1/processes").queryParam("page", p).queryParam("size", s);
            if (!caller.isAdmin()) {
                b.queryParam("uid", caller.uid());
            }
            return b.build();
        }).retrieve().body(JsonNode.class);
        long total = r == null ? 0 : r.path("total").asLong();
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok().header("X-Total-Count", String.valueOf(total));
        if ((long) (p + 1) * s < total) {
            ok.header("Link", "</api/v1/processes?page=" + (p + 1) + "&size=" + s + ">; rel=\"next\"");
        }
        return ok.body(r == null ? null : r.path("items"));
    }

    @GetMapping("/{pid}")
    @Operation(summary = "A process with its VMAs and resident/swapped page counts")
    public JsonNode get(Caller caller, @PathVariable long pid) {
        ownership.requireOwned(caller, pid);
        return mm().get().uri("/mm/v1/processes/{pid}", pid).retrieve().body(JsonNode.class);
    }

    @DeleteMapping("/{pid}")
    @Operation(summary = "Exit: mm teardown runs (release to MMU notifiers, mm_exit to bound devices)")
    public ResponseEntity<JsonNode> exit(Caller caller, @PathVariable long pid) {
        ownership.requireOwned(caller, pid);
        ResponseEntity<JsonNode> r = mm().delete().uri("/mm/v1/processes/{pid}", pid).retrieve().toEntity(JsonNode.class);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(r.getBody());
    }

    @PostMapping("/{pid}/mmap")
    @Operation(summary = "Anonymous mmap (like malloc of a large buffer)")
    public ResponseEntity<JsonNode> mmap(Caller caller, @PathVariable long pid, @Valid @RequestBody ProcessRequests.Mmap body) {
        ownership.requireOwned(caller, pid);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("length", body.length());
        req.put("prot", body.prot() == null ? "rw" : body.prot());
        req.put("populate", Boolean.TRUE.equals(body.populate()));
        if (body.addr() != null) {
            req.put("addr", body.addr().hex());
        }
        JsonNode r = mm().post().uri("/mm/v1/processes/{pid}/mmap", pid).body(req).retrieve().body(JsonNode.class);
        return ResponseEntity.status(HttpStatus.CREATED).body(r);
    }

    @PostMapping("/{pid}/munmap")
    @Operation(summary = "munmap: returns after every IOTLB/ATC that could hold the range was invalidated")
    public ResponseEntity<Void> munmap(Caller caller, @PathVariable long pid, @Valid @RequestBody ProcessRequests.Range body) {
        ownership.requireOwned(caller, pid);
        mm().post().uri("/mm/v1/processes/{pid}/munmap", pid)
                .body(Map.of("addr", body.addr().hex(), "length", body.length())).retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{pid}/mprotect")
    @Operation(summary = "mprotect a range")
    public ResponseEntity<Void> mprotect(Caller caller, @PathVariable long pid, @Valid @RequestBody ProcessRequests.Mprotect body) {
        ownership.requireOwned(caller, pid);
        mm().post().uri("/mm/v1/processes/{pid}/mprotect", pid)
                .body(Map.of("addr", body.addr().hex(), "length", body.length(), "prot", body.prot()))
                .retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @PutMapping(path = "/{pid}/memory", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    @Operation(summary = "The CPU writes bytes at addr (faulting pages in)")
    public ResponseEntity<Void> write(Caller caller, @PathVariable long pid, @RequestParam String addr, @RequestBody byte[] data) {
        ownership.requireOwned(caller, pid);
        String a = Addr.hex(parseAddr(addr));
        mm().put().uri("/mm/v1/processes/{pid}/memory?addr={addr}", pid, a)
                .contentType(MediaType.APPLICATION_OCTET_STREAM).body(data).retrieve().toBodilessEntity();
        return ResponseEntity.noContent().build();
    }

    @GetMapping(path = "/{pid}/memory", produces = {MediaType.APPLICATION_OCTET_STREAM_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
    @Operation(summary = "The CPU reads length bytes at addr")
    public ResponseEntity<byte[]> read(Caller caller, @PathVariable long pid, @RequestParam String addr, @RequestParam long length) {
        ownership.requireOwned(caller, pid);
        if (length < 0) {
            throw ErrnoException.invalid("length must not be negative");
        }
        String a = Addr.hex(parseAddr(addr));
        byte[] bytes = mm().get().uri("/mm/v1/processes/{pid}/memory?addr={addr}&length={length}", pid, a, length)
                .accept(MediaType.APPLICATION_OCTET_STREAM).retrieve().body(byte[].class);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(bytes == null ? new byte[0] : bytes);
    }

    @PostMapping("/{pid}/reclaim")
    @Operation(summary = "Swap pages out (a range, or a number of pages) so the next access faults")
    public JsonNode reclaim(Caller caller, @PathVariable long pid, @Valid @RequestBody ProcessRequests.Reclaim body) {
        ownership.requireOwned(caller, pid);
        Map<String, Object> req = new LinkedHashMap<>();
        if (body.addr() != null || body.length() != null) {
            if (body.addr() == null || body.length() == null || body.pages() != null) {
                throw ErrnoException.invalid("reclaim takes either {addr, length} or {pages}");
            }
            req.put("addr", body.addr().hex());
            req.put("length", body.length());
        } else if (body.pages() != null) {
            req.put("pages", body.pages());
        } else {
            throw ErrnoException.invalid("reclaim takes either {addr, length} or {pages}");
        }
        return mm().post().uri("/mm/v1/processes/{pid}/reclaim", pid).body(req).retrieve().body(JsonNode.class);
    }

    private static long parseAddr(String addr) {
        try {
            return Addr.parseHex(addr);
        } catch (IllegalArgumentException e) {
            throw ErrnoException.invalid(e.getMessage());
        }
    }
}
