package org.svafabric.device.audit;

import java.util.ArrayList;
import java.util.List;

import org.svafabric.api.audit.AuditFinding;
import org.svafabric.api.audit.AuditViews;
import org.svafabric.api.json.Addr;
import org.svafabric.device.Device;
import org.svafabric.device.Devices;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.pcie.AddressTranslationCache;

/**
 * The audit's view of the devices: what each ATC holds (whether a PASID still belongs to the process that
 * filled it, and whether the frame is still that process's page, the gateway answers with the SMMU's and
 * RAM's views), and what each PRI interface finds on its own (page requests not answered exactly once).
 */
public final class DeviceAudit {
    private final Devices devices;

    public DeviceAudit(Devices devices) {
        this.devices = devices;
    }

    public AuditViews.Device view() {
        List<AuditViews.AtcEntry> atc = new ArrayList<>();
        List<AuditFinding> findings = new ArrayList<>();
        for (DeviceDriver d : devices.all()) {
            Device dev = d.device();
            if (!dev.isPci()) {
                continue;
            }
            AddressTranslationCache cache = dev.pcie().atc();
            if (cache != null) {
                for (AddressTranslationCache.Cached c : cache.snapshot()) {
                    atc.add(new AuditViews.AtcEntry(dev.id(), c.pasid(), Addr.of(c.page()), Addr.of(c.pa())));
                }
            }
            if (dev.pcie().pri() != null) {
                findings.addAll(dev.pcie().pri().audit(dev.id()));
            }
        }
        return new AuditViews.Device(atc, findings);
    }
}
