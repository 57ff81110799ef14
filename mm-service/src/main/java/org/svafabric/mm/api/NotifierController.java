package org.svafabric.mm.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.json.Addr;
import org.svafabric.api.mm.MmNotifierApi;
import org.svafabric.api.mm.MmRequests;
import org.svafabric.api.mm.MmViews;
import org.svafabric.mm.asid.AsidAllocator;
import org.svafabric.mm.notifier.Subscription;
import org.svafabric.mm.process.Mm;
import org.svafabric.mm.process.ProcessTable;

/** MMU-notifier subscriptions (mmu_notifier_register / unregister) by callback URL. */
@RestController
public class NotifierController implements MmNotifierApi {
    private final ProcessTable table;
    private final AsidAllocator asids;

    public NotifierController(ProcessTable table, AsidAllocator asids) {
        this.table = table;
        this.asids = asids;
    }

    @Override
    public ResponseEntity<MmViews.Subscription> subscribe(long pid, MmRequests.Subscribe body) {
        Mm mm = table.running(pid).mm();
        Subscription s = mm.notifiers().subscribe(Args.required("callbackUrl", body.callbackUrl()), Boolean.TRUE.equals(body.btm()));
        return created(mm, s, asids.asidOf(mm.context()));
    }

    private static ResponseEntity<MmViews.Subscription> created(Mm mm, Subscription s, int asid) {
        return ResponseEntity.status(HttpStatus.CREATED).body(new MmViews.Subscription(s.id(), Addr.of(mm.pageTable().pgd()), asid));
    }

    @Override
    public ResponseEntity<MmViews.Subscription> subscribePinned(long pid, MmRequests.Subscribe body) {
        Mm mm = table.running(pid).mm();
        String url = Args.required("callbackUrl", body.callbackUrl());
        int asid = asids.pin(mm.context());
        Subscription s;
        try {
            s = mm.notifiers().subscribe(url, Boolean.TRUE.equals(body.btm()));
        } catch (RuntimeException e) {
            asids.unpin(mm.context());
            throw e;
        }
        return created(mm, s, asid);
    }

    @Override
    public ResponseEntity<Void> unsubscribePinned(long pid, long id) {
        Mm mm = table.any(pid).mm();
        boolean found = mm.notifiers().unsubscribe(id);
        asids.unpin(mm.context());
        if (!found) {
            throw new ErrnoException(Errno.ENOENT, "no-such-notifier", "process " + pid + " has no notifier " + id
                    + " (its ASID pin was dropped)");
        }
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Void> unsubscribe(long pid, long id) {
        if (!table.any(pid).mm().notifiers().unsubscribe(id)) {
            throw new ErrnoException(Errno.ENOENT, "no-such-notifier", "process " + pid + " has no notifier " + id);
        }
        return ResponseEntity.noContent().build();
    }
}
