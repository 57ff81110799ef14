package org.svafabric.iommu.api;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.svafabric.api.iommu.MmNotifierCallbackApi;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.mm.NotifierCallbacks;
import org.svafabric.iommu.core.sva.IommuSva;

/**
 * The MMU-notifier callbacks mm-service makes on every mm the core subscribed to. Each answers only once its
 * effect is complete: mm-service frees nothing before that.
 */
@RestController
public class MmNotifierController implements MmNotifierCallbackApi {
    private final IommuSva sva;
    private final BroadcastTlbi broadcast;

    public MmNotifierController(IommuSva sva, BroadcastTlbi broadcast) {
        this.sva = sva;
        this.broadcast = broadcast;
    }

    /** invalidate_range: after TLBI (unless BTM did it), ATC_INV and CMD_SYNC with the ATC completions. */
    @Override
    public ResponseEntity<Void> invalidateRange(long pid, NotifierCallbacks.InvalidateRange body) {
        if (body == null || body.start() == null || body.end() == null || body.end().value() < body.start().value()) {
            throw ErrnoException.invalid("start and end are required, start <= end");
        }
        sva.notifier().invalidateRange(pid, body.start().value(), body.end().value(), Boolean.TRUE.equals(body.btm()));
        return ResponseEntity.noContent().build();
    }

    /** release: mm_exit handlers, fault flush and CD teardown for every bond of the exiting process. */
    @Override
    public ResponseEntity<Void> release(long pid) {
        sva.notifier().release(pid);
        return ResponseEntity.noContent().build();
    }

    /** The CPU's broadcast TLBI, reaching the SMMU's TLB directly (BTM). */
    @Override
    public ResponseEntity<Void> tlbi(long pid, NotifierCallbacks.Tlbi body) {
        if (body == null) {
            throw ErrnoException.invalid("a TLBI body is required");
        }
        broadcast.tlbi(body.asid(), body.va() == null ? null : body.va().value(), body.pages());
        return ResponseEntity.noContent().build();
    }
}
