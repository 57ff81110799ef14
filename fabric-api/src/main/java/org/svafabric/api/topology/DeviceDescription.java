package org.svafabric.api.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device as firmware describes it. A PCI endpoint is named by its BDF
 * ({@code 0000:01:00.0}); its StreamID is its Requester ID (bus << 8 | device << 3 | function)
 * unless given. A platform device has a StreamID and the series' device-tree properties
 * {@code pasid-num-bits} and {@code dma-can-stall}.
 */
public record DeviceDescription(String id, String type, Integer sid, PasidCap pasid, PriCap pri, AtsCap ats,
                                Integer pasidNumBits, Boolean dmaCanStall, Engine engine, String rootComplex,
                                String smmu, Integer shard) {

    /**
     * A description that names no SMMU (it sits behind its root complex's, or the topology's first) and no
     * device-service shard (placed by {@link DeviceShards#ownerOf}).
     */
    public DeviceDescription(String id, String type, Integer sid, PasidCap pasid, PriCap pri, AtsCap ats,
                             Integer pasidNumBits, Boolean dmaCanStall, Engine engine, String rootComplex) {
        this(id, type, sid, pasid, pri, ats, pasidNumBits, dmaCanStall, engine, rootComplex, null, null);
    }

    /** A description without {@code rootComplex}: a PCIe device sits below the topology's first root complex. */
    public DeviceDescription(String id, String type, Integer sid, PasidCap pasid, PriCap pri, AtsCap ats,
                             Integer pasidNumBits, Boolean dmaCanStall, Engine engine) {
        this(id, type, sid, pasid, pri, ats, pasidNumBits, dmaCanStall, engine, null);
    }

    private static final Pattern BDF = Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([01][0-9a-fA-F])\\.([0-7])");

    /** PCIe PASID capability: supported width, Execute and Privileged Mode permitted. */
    public record PasidCap(Integer bits, Boolean exec, Boolean privileged) {
    }

    /** PCIe PRI capability: outstanding page requests allocated by software, PRG Response PASID Required. */
    public record PriCap(Integer outstandingPageRequests, Boolean prgResponsePasidRequired) {
    }

    /** PCIe ATS capability and the device's ATC: entries, Invalidate Queue Depth, Smallest Translation Unit (log2 bytes). */
    public record AtsCap(Integer atcEntries, Integer invalidateQueueDepth, Integer stu) {
    }

    /** The DMA engine: job queue depth and number of engines working the queue. */
    public record Engine(Integer queueDepth, Integer engines) {
    }

    /** Not a property: a description sent on (gateway to device-service to iommu-service) must read back as itself. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPci() {
        return "pci".equals(type);
    }

    /** PASID width in bits (0: the device has no PASID). */
    public int pasidBits() {
        if (isPci()) {
            return pasid == null || pasid.bits() == null ? 0 : pasid.bits();
        }
        return pasidNumBits == null ? 0 : pasidNumBits;
    }

    public boolean hasPri() {
        return isPci() && pri != null;
    }

    public boolean hasAts() {
        return isPci() && ats != null;
    }

    public boolean canStall() {
        return !isPci() && Boolean.TRUE.equals(dmaCanStall);
    }

    /** The StreamID: given, or the PCI Requester ID derived from the BDF. */
    public int streamId() {
        if (sid != null) {
            return sid;
        }
        Matcher m = BDF.matcher(id == null ? "" : id);
        if (isPci() && m.matches()) {
            int bus = Integer.parseInt(m.group(2), 16);
            int dev = Integer.parseInt(m.group(3), 16);
            int fn = Integer.parseInt(m.group(4));
            return bus << 8 | dev << 3 | fn;
        }
        throw new IllegalStateException("device " + id + " has no StreamID");
    }

    /** The reasons this description is not a valid device for {@code smmu}, empty when it is. */
    public List<String> problems(SmmuDescription smmu) {
        List<String> p = new ArrayList<>();
        if (id == null || id.isBlank() || id.length() > 64 || !id.matches("[A-Za-z0-9:._-]+")) {
            p.add("id is required: 1-64 characters of letters, digits, ':', '.', '_' or '-'");
        }
        if (!"pci".equals(type) && !"platform".equals(type)) {
            p.add("type must be pci or platform");
            return p;
        }
        if (isPci()) {
            if (id != null && !BDF.matcher(id).matches()) {
                p.add("a PCI device is named by its BDF, e.g. 0000:01:00.0");
            }
            if (pasidNumBits != null || dmaCanStall != null) {
                p.add("pasid-num-bits and dma-can-stall are platform-device properties; PCI devices use the pasid capability");
            }
            if (pasid != null && (pasid.bits() == null || pasid.bits() < 1 || pasid.bits() > 20)) {
                p.add("pasid.bits must be 1..20 (PCIe Max PASID Width)");
            }
            if (pri != null) {
                if (pasid == null) {
                    p.add("PRI for SVA needs the PASID capability");
                }
                if (pri.outstandingPageRequests() == null || pri.outstandingPageRequests() < 1) {
                    p.add("pri.outstandingPageRequests must be >= 1");
                }
                if (!hasAtsOrNull()) {
                    p.add("PRI requires ATS (page requests answer ATS 'no translation')");
                }
            }
            if (ats != null) {
                if (ats.atcEntries() == null || ats.atcEntries() < 1) {
                    p.add("ats.atcEntries must be >= 1");
                }
                if (ats.invalidateQueueDepth() != null && (ats.invalidateQueueDepth() < 0 || ats.invalidateQueueDepth() > 32)) {
                    p.add("ats.invalidateQueueDepth must be 0..32 (0 means 32)");
                }
                if (ats.stu() != null && (ats.stu() < 12 || ats.stu() > 43)) {
                    p.add("ats.stu (log2 bytes) must be 12..43");
                }
            }
        } else {
            if (sid == null) {
                p.add("a platform device needs its sid");
            }
            if (pasid != null || pri != null || ats != null) {
                p.add("pasid, pri and ats are PCIe capabilities; a platform device uses pasid-num-bits and dma-can-stall");
            }
            if (rootComplex != null) {
                p.add("rootComplex is for PCIe devices; a platform device is not below a root complex");
            }
            if (pasidNumBits != null && (pasidNumBits < 0 || pasidNumBits > 20)) {
                p.add("pasidNumBits must be 0..20");
            }
            if (Boolean.TRUE.equals(dmaCanStall) && smmu != null && !smmu.canStall()) {
                p.add("dma-can-stall on an SMMU whose STALL_MODEL is terminate");
            }
        }
        if (sid != null && (sid < 0 || (smmu != null && smmu.sidBits() < 31 && sid >= (1L << smmu.sidBits())))) {
            p.add("sid " + sid + " does not fit the SMMU's " + (smmu == null ? "?" : smmu.sidBits()) + "-bit StreamID space");
        }
        if (shard != null && shard < 0) {
            p.add("shard must be >= 0 (the index of the device-service instance that serves the device)");
        }
        if (engine != null && ((engine.queueDepth() != null && engine.queueDepth() < 1) || (engine.engines() != null && engine.engines() < 1))) {
            p.add("engine.queueDepth and engine.engines must be >= 1");
        }
        return p;
    }

    private boolean hasAtsOrNull() {
        return ats != null;
    }
}
