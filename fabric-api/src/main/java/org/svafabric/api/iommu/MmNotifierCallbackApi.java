package org.svafabric.api.iommu;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.service.annotation.PostExchange;
import org.svafabric.api.mm.NotifierCallbacks;

/**
 * The MMU-notifier callbacks mm-service makes on every mm the SVA core subscribed to, at the callback URL
 * {@code <iommu-service>}{@value #BASE}{@code {pid}} the core registers ({@link NotifierCallbacks} are the bodies).
 * Each answers only once its effect is complete: mm-service frees nothing before that.
 */
public interface MmNotifierCallbackApi {
    String BASE = "/iommu/v1/mm-notifier/";

    /** invalidate_range: after TLBI (unless BTM did it), ATC_INV and CMD_SYNC with the ATC completions. */
    @PostExchange(BASE + "{pid}" + NotifierCallbacks.INVALIDATE_RANGE)
    ResponseEntity<Void> invalidateRange(@PathVariable("pid") long pid, @RequestBody NotifierCallbacks.InvalidateRange body);

    /** release: mm_exit handlers, fault flush and CD teardown for every bond of the exiting process. */
    @PostExchange(BASE + "{pid}" + NotifierCallbacks.RELEASE)
    ResponseEntity<Void> release(@PathVariable("pid") long pid);

    /** The CPU's broadcast TLBI, reaching the SMMU's TLB directly (BTM). */
    @PostExchange(BASE + "{pid}" + NotifierCallbacks.TLBI)
    ResponseEntity<Void> tlbi(@PathVariable("pid") long pid, @RequestBody NotifierCallbacks.Tlbi body);
}
