package org.svafabric.api.iommu;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.PostExchange;
import org.svafabric.api.device.IommuCalls;
import org.svafabric.api.wire.AtsLinkCodec;

/**
 * What a device sends the SMMU upstream on its link: ATS Translation Requests, PRI Page Request Messages, and
 * untranslated transactions.
 *
 * <p>A transaction the SMMU terminates answers 400 {@link TransactionTerminated} (errno EFAULT, the SMMU event and
 * address); a completed one carries {@link org.svafabric.api.wire.Headers#SMMU_STALLS}. The server answers
 * transactions asynchronously (a stall holds no request thread), so its controller does not implement this
 * interface; a contract test holds it to the same paths.
 */
public interface SmmuPortApi {
    String READ = "read";
    String WRITE = "write";

    /**
     * One call per batch of pages, answered in order. {@code smmu} in every call: the SMMU the device sits behind,
     * whose StreamID space {@code sid} belongs to (null: the first SMMU). Sent and answered in the link's binary form
     * ({@link AtsLinkCodec}); the endpoint answers JSON to any caller that does not ask for it.
     */
    @PostExchange(url = "/iommu/v1/ats/translate", contentType = AtsLinkCodec.MEDIA_TYPE, accept = AtsLinkCodec.MEDIA_TYPE)
    IommuCalls.AtsTranslation translate(@RequestBody IommuCalls.AtsTranslate body,
                                        @RequestParam(name = "smmu", required = false) String smmu);

    /** 202: received; the PRG Response comes later, on the device's own API. */
    @PostExchange("/iommu/v1/pri/requests")
    ResponseEntity<Void> pageRequests(@RequestBody IommuCalls.PageRequests body,
                                      @RequestParam(name = "smmu", required = false) String smmu);

    /** {@code op} {@value #READ} (of {@code length} bytes) or {@value #WRITE} (of {@code data}); 200 with the bytes read, or 204. */
    @PostExchange(url = "/iommu/v1/streams/{sid}/transactions", contentType = MediaType.APPLICATION_OCTET_STREAM_VALUE,
            accept = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> transaction(@PathVariable("sid") int sid, @RequestParam("op") String op, @RequestParam("addr") String addr,
                                       @RequestParam(name = "length", required = false) Integer length,
                                       @RequestParam(name = "pasid", required = false) Integer pasid,
                                       @RequestParam(name = "priv", defaultValue = "false") boolean priv,
                                       @RequestParam(name = "exec", defaultValue = "false") boolean exec,
                                       @RequestParam(name = "smmu", required = false) String smmu,
                                       @RequestBody(required = false) byte[] data);
}
