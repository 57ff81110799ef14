package org.svafabric.api.wire;

/** The HTTP header names the fabric's services and its public API use, each spelled here once. */
public final class Headers {
    private Headers() {
    }

    /** The credential every internal call carries; internal services refuse calls without it. */
    public static final String SERVICE_TOKEN = "X-Fabric-Service-Token";

    /** How many times an untranslated transaction stalled on its way through the SMMU (device-service counts stalls from it). */
    public static final String SMMU_STALLS = "X-Smmu-Stalls";

    /** What a transaction's translations cost the SMMU: {@code steFetches=..;cdFetches=..;iotlbHits=..;walks=..;walkReads=..}. */
    public static final String SMMU_WORK = "X-Smmu-Work";

    /** What handle_mm_fault took for a transaction's stalls: {@code minor=..;major=..;swapIn=..}. */
    public static final String SMMU_FAULT_KINDS = "X-Smmu-Fault-Kinds";

    /** The length of a paged list (the public API's lists are JSON arrays; paging is in the query and the headers). */
    public static final String TOTAL_COUNT = "X-Total-Count";

    /** The newest sequence number of a service's event log, so a follower knows where the log stands. */
    public static final String LAST_SEQ = "X-Last-Seq";

    /** RFC 9110 Retry-After, in seconds: on a 503 while a service of the fabric is not answering. */
    public static final String RETRY_AFTER = "Retry-After";
}
