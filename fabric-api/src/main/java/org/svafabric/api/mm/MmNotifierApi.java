package org.svafabric.api.mm;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.DeleteExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * MMU-notifier subscriptions (mmu_notifier_register / unregister) by callback URL; mm-service then calls
 * {@link NotifierCallbacks} at that URL.
 */
public interface MmNotifierApi {

    /** 201 with the subscription, the mm's pgd and its ASID. */
    @PostExchange("/mm/v1/processes/{pid}/notifiers")
    ResponseEntity<MmViews.Subscription> subscribe(@PathVariable("pid") long pid, @RequestBody MmRequests.Subscribe body);

    @DeleteExchange("/mm/v1/processes/{pid}/notifiers/{id}")
    ResponseEntity<Void> unsubscribe(@PathVariable("pid") long pid, @PathVariable("id") long id);

    /**
     * The CPU side of the SVA core's io_mm_alloc in one call: pins the mm's ASID (mm_context_get), then registers
     * the notifier, as {@link MmProcessApi#pinAsid} and {@link #subscribe} would one after the other; both or
     * neither (a refused subscription drops the pin). 201 with the subscription, the mm's pgd and the pinned ASID.
     * What an iommu-service reboot drops is the same as for the two calls: its notifiers and its pins.
     */
    @PostExchange("/mm/v1/processes/{pid}/notifiers/pinned")
    ResponseEntity<MmViews.Subscription> subscribePinned(@PathVariable("pid") long pid, @RequestBody MmRequests.Subscribe body);

    /**
     * io_mm_free's CPU side in one call: unregisters the notifier, then drops the ASID pin taken with it
     * (mm_context_put). 204; 404 ENOENT when the notifier was already gone, the pin dropped all the same.
     */
    @DeleteExchange("/mm/v1/processes/{pid}/notifiers/pinned/{id}")
    ResponseEntity<Void> unsubscribePinned(@PathVariable("pid") long pid, @PathVariable("id") long id);
}
