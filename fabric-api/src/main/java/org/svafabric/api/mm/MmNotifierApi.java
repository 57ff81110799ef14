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
}
