package org.svafabric.iommu.reboot;

import java.util.List;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.api.boot.ServiceReboot;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaDeviceView;

/**
 * What a peer's reboot means for the SMMU and its driver.
 * <ul>
 * <li>mm-service (RAM) rebooted: the machine did. The stream table, the CD tables, the queues and every
 * page table a CD pointed at were in that RAM, so each bond and io_mm is reported gone (UNBIND, with the
 * reason) and the service reboots: a fresh SMMU model and driver probe again into the new RAM, and reset
 * every endpoint's ATC before ATS is enabled again.</li>
 * <li>device-service rebooted: its device drivers were reloaded and its endpoints came out of reset, so
 * the bonds they held are gone: SVA is shut down on each device (UNBIND with the reason), and the device
 * list is taken again, so devices hot-plugged meanwhile appear behind the SMMU.</li>
 * </ul>
 */
public final class MachineReboots implements PeerRebootListener {
    private static final Logger log = LoggerFactory.getLogger(MachineReboots.class);

    private final IommuSva sva;
    private final DeviceCatalog catalog;
    private final Supplier<List<DeviceViews.Device>> deviceList;
    private final ServiceReboot.Handle reboot;

    public MachineReboots(IommuSva sva, DeviceCatalog catalog, Supplier<List<DeviceViews.Device>> deviceList,
                          ServiceReboot.Handle reboot) {
        this.sva = sva;
        this.catalog = catalog;
        this.deviceList = deviceList;
        this.reboot = reboot;
    }

    @Override
    public void peerRebooted(PeerReboot r) {
        switch (r.service()) {
            case BootId.MM -> ramRebooted(r);
            case BootId.DEVICE -> devicesReset(r);
            default -> {
            }
        }
    }

    private void ramRebooted(PeerReboot r) {
        String why = r.describe() + ": RAM is gone, with the SMMU's tables and the process's page tables";
        sva.reportLost(why);
        if (reboot == null) {
            log.error("{}; this SMMU cannot reboot itself (no reboot handle) and keeps stale tables", why);
            return;
        }
        reboot.reboot(why);
    }

    private void devicesReset(PeerReboot r) {
        String why = r.describe() + ": its device drivers were reloaded, the bond is gone";
        for (SvaDeviceView d : sva.devices()) {
            sva.initialisedDevice(d.device()).ifPresent(dev -> {
                try {
                    sva.deviceShutdown(dev, why);
                } catch (RuntimeException e) {
                    log.warn("SVA shutdown of {} after {}: {}", d.device(), r.describe(), e.getMessage());
                }
            });
        }
        try {
            for (DeviceViews.Device d : deviceList.get()) {
                try {
                    catalog.add(d.description());
                } catch (ErrnoException refused) {
                    log.error("device {} not added behind the SMMU after {}: {}", d.id(), r.describe(), refused.getMessage());
                }
            }
        } catch (RuntimeException e) {
            log.warn("device list not taken again after {}: {}", r.describe(), e.getMessage());
        }
    }
}
