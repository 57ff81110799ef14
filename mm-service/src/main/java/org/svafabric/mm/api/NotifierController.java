package org.svafabric.mm.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.notifier.Subscription;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.ProcessTable;

/** MMU-notifier subscriptions (mmu_notifier_register / unregister) by callback URL. */
@RestController
@RequestMapping("/mm/v1/processes/{pid}/notifiers")
public class NotifierController {
    private final ProcessTable table;
    private final AsidAllocator asids;

    public NotifierController(ProcessTable table, AsidAllocator asids) {
        this.table = table;
        this.asids = asids;
    }

    @PostMapping
    public ResponseEntity<MmViews.Subscription> subscribe(@PathVariable long pid, @RequestBody MmRequests.Subscribe body) {
        Mm mm = table.running(pid).mm();
        Subscription s = mm.notifiers().subscribe(Args.required("callbackUrl", body.callbackUrl()), Boolean.TRUE.equals(body.btm()));
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new MmViews.Subscription(s.id(), Addr.of(mm.pageTable().pgd()), asids.asidOf(mm.context())));
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<Void> unsubscribe(@PathVariable long pid, @PathVariable long id) {
        if (!table.any(pid).mm().notifiers().unsubscribe(id)) {
            throw new ErrnoException(Errno.ENOENT, "no-such-notifier", "process " + pid + " has no notifier " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
