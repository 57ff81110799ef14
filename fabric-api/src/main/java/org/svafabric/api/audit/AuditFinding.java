package org.svafabric.api.audit;

/**
 * One broken invariant found by the audit.
 *
 * @param kind    a stable name of the invariant ({@code bond-to-dead-process}, {@code atc-stale-owner}, ...)
 * @param service the service whose state holds the bad entry
 * @param where   the entry: device, PASID, StreamID, address, pid, as they apply
 * @param what    what is wrong, in user terms
 */
public record AuditFinding(String kind, String service, String where, String what) {
    public static final String BOND_TO_DEAD_PROCESS = "bond-to-dead-process";
    public static final String PAGE_REQUEST_UNANSWERED = "page-request-unanswered";
    public static final String PAGE_REQUEST_ANSWERED_TWICE = "page-request-answered-twice";
    public static final String CD_WITHOUT_BOND = "cd-without-bond";
    public static final String CD_STALE_OWNER = "cd-stale-owner";
    public static final String TABLE_IN_FREED_FRAME = "table-in-freed-frame";
    public static final String ATC_STALE_OWNER = "atc-stale-owner";
    public static final String ATC_FREED_FRAME = "atc-freed-frame";
    public static final String PIN_WITHOUT_MAPPING = "pin-without-mapping";
}
