package org.svafabric.api.audit;

import java.util.List;

import org.svafabric.api.json.Addr;

/**
 * What each service shows the audit of its own state ({@code GET /<service>/v1/audit}, service credential
 * only), for the gateway to join: the entries that point into another service's state, and the findings the
 * service can make on its own.
 */
public final class AuditViews {
    private AuditViews() {
    }

    /** mm-service: processes of this boot, the kernel pages given out, the pins get_user_pages holds. */
    public record Mm(List<Process> processes, List<KernelAllocation> kernelPages, List<Pin> pins,
                     List<AuditFinding> findings) {
    }

    public record Process(long pid, String state, Addr pgd) {
    }

    public record KernelAllocation(String owner, Addr pa, int pages) {
    }

    /** One pinned page: {@code pa} is the frame the pin holds. */
    public record Pin(long pid, Addr va, Addr pa) {
    }

    /** {@code POST /mm/v1/audit/translations}: the CPU's current translation of each (pid, va); pa null if none. */
    public record Translation(long pid, Addr va, Addr pa) {
    }

    /** iommu-service: bonds, the valid CDs in RAM, the tables the driver keeps in RAM. */
    public record Iommu(List<Bond> bonds, List<Cd> cds, List<Table> tables, List<Long> domains,
                        List<AuditFinding> findings) {
    }

    public record Bond(String device, int pasid, long pid, String state) {
    }

    /** A valid context descriptor as read back from RAM. */
    public record Cd(String device, int ssid, Addr ttb0, int asid) {
    }

    /** A table the SMMU reads from RAM: {@code what} is "stream table" or "CD table". */
    public record Table(String what, String device, Addr pa) {
    }

    /** device-service: what each ATC holds, and the findings of the PRI interfaces. */
    public record Device(List<AtcEntry> atc, List<AuditFinding> findings) {
    }

    public record AtcEntry(String device, Integer pasid, Addr va, Addr pa) {
    }
}
