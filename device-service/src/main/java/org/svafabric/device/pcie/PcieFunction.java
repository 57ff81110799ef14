package org.svafabric.device.pcie;

import java.time.Duration;

import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.device.iommu.IommuPort;

/**
 * A PCIe endpoint function's SVA-relevant capabilities as firmware describes them: PASID, PRI,
 * ATS with its ATC. Software (the kernel driver, through iommu-service) turns them on and off;
 * the function's DMA uses ATS only while ATS is enabled.
 */
public final class PcieFunction {
    private final PasidCapability pasid;
    private final AtsCapability ats;
    private final AddressTranslationCache atc;
    private final PageRequestInterface pri;
    private final AtsTranslatedPath atsPath;
    private final int stuShift;

    public <T extends PriListener & AtcListener> PcieFunction(DeviceDescription d, IommuPort port, MemoryBus ram, T trace,
                                                             Duration prgResponseTimeout, int priGroupPages) {
        int sid = d.streamId();
        DeviceDescription.PasidCap pc = d.pasid();
        this.pasid = pc == null ? null
                : new PasidCapability(pc.bits(), Boolean.TRUE.equals(pc.exec()), Boolean.TRUE.equals(pc.privileged()));
        if (d.hasAts()) {
            DeviceDescription.AtsCap a = d.ats();
            this.ats = new AtsCapability(a.invalidateQueueDepth() == null || a.invalidateQueueDepth() == 0 ? 32 : a.invalidateQueueDepth());
            this.stuShift = a.stu() == null ? AtsCapability.MIN_STU_SHIFT : a.stu();
            this.atc = new AddressTranslationCache(a.atcEntries(), trace);
        } else {
            this.ats = null;
            this.stuShift = AtsCapability.MIN_STU_SHIFT;
            this.atc = null;
        }
        if (d.hasPri()) {
            DeviceDescription.PriCap p = d.pri();
            PriCapability cap = new PriCapability(p.outstandingPageRequests(), Boolean.TRUE.equals(p.prgResponsePasidRequired()));
            this.pri = new PageRequestInterface(sid, cap, port, trace, prgResponseTimeout, priGroupPages);
        } else {
            this.pri = null;
        }
        this.atsPath = atc == null ? null : new AtsTranslatedPath(sid, port, atc, pri == null ? disabledPri(sid, port) : pri,
                ram, trace);
    }

    /** An ATS function without PRI still needs somewhere to say "no page requests": a PRI that is never enabled. */
    private static PageRequestInterface disabledPri(int sid, IommuPort port) {
        return new PageRequestInterface(sid, new PriCapability(0, false), port, PriListener.NONE, Duration.ZERO);
    }

    /**
     * Sets the Enable bits of the capabilities named (null: unchanged). Enabling PRI programs
     * the allocation (default: the capacity) and clears a Response Failure. Disabling ATS
     * empties the ATC: its translations are no longer kept coherent by the SMMU.
     */
    public synchronized void control(Boolean pasidOn, Boolean priOn, Boolean atsOn, Integer outstanding) {
        if (pasidOn != null) {
            require(pasid != null, "PASID");
            pasid.enable(pasidOn);
        }
        if (priOn != null) {
            require(pri != null, "PRI");
            if (priOn) {
                if (outstanding != null && outstanding < 1) {
                    throw ErrnoException.invalid("outstandingPageRequests must be >= 1");
                }
                pri.enable(outstanding == null ? Long.MAX_VALUE : outstanding);
            } else {
                pri.disable();
            }
        }
        if (atsOn != null) {
            require(ats != null, "ATS");
            ats.enable(atsOn, stuShift);
            if (!atsOn) {
                atc.invalidate(null, 0, 0, true);
            }
        }
    }

    private static void require(boolean present, String cap) {
        if (!present) {
            throw ErrnoException.invalid("the function has no " + cap + " capability");
        }
    }

    public synchronized boolean pasidEnabled() {
        return pasid != null && pasid.enabled();
    }

    public int pasidBits() {
        return pasid == null ? 0 : pasid.maxWidth();
    }

    public synchronized boolean atsEnabled() {
        return ats != null && ats.enabled();
    }

    public boolean priEnabled() {
        return pri != null && pri.enabled();
    }

    public boolean priFailed() {
        return pri != null && pri.responseFailure();
    }

    /** Page requests awaiting a PRG Response (0 without PRI). */
    public int outstandingPageRequests() {
        return pri == null ? 0 : pri.outstanding();
    }

    /** The most page requests ever outstanding at once (0 without PRI). */
    public int maxOutstandingPageRequests() {
        return pri == null ? 0 : pri.maxOutstanding();
    }

    public long outstandingAllocation() {
        return pri == null ? 0 : pri.allocation();
    }

    /** Null when the function has no ATS. */
    public AddressTranslationCache atc() {
        return atc;
    }

    /** Null when the function has no PRI. */
    public PageRequestInterface pri() {
        return pri;
    }

    /** The ATS path; null when the function has no ATS. */
    public AtsTranslatedPath atsPath() {
        return atsPath;
    }
}
