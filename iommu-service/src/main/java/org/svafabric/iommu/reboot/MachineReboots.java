package org.svafabric.iommu.reboot;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.api.boot.ServiceReboot;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaDeviceView;

/**
 * What a peer's reboot means for the SMMU and its driver.
 * <ul>
 * <li>mm-service (RAM) rebooted: the machine did. The stream table, the CD tables, the queues and every
 * page table a CD pointed at were in that RAM, so each bond and io_mm is reported gone (UNBIND, with the
 * reason) and the service reboots: a fresh SMMU model and driver probe again into the new RAM, and reset
 * every endpoint's ATC before ATS is enabled again.</li>
 * <li>device-service (or one of its shards) rebooted: its device drivers were reloaded and its endpoints came out
 * of reset, so the bonds they held are gone: SVA is shut down on each of its devices (UNBIND with the reason), and
 * its device list is taken again, so devices hot-plugged meanwhile appear behind the SMMU. A shard's reboot touches
 * only the devices that shard serves: the others' bonds and jobs go on.</li>
 * </ul>
 */
public final class MachineReboots implements PeerRebootListener {
    private static final Logger log = LoggerFactory.getLogger(MachineReboots.class);

    private final IommuSva sva;
    private final DeviceCatalog catalog;
    private final DeviceServiceClient devices;
    private final ServiceReboot.Handle reboot;

    public MachineReboots(IommuSva sva, DeviceCatalog catalog, DeviceServiceClient devices, ServiceReboot.Handle reboot) {
        this.sva = sva;
        this.catalog = catalog;
        this.devices = devices;
        this.reboot = reboot;
    }

    @Override
    public void peerRebooted(PeerReboot r) {
        if (BootId.MM.equals(r.service())) {
            ramRebooted(r);
        } else if (BootId.isDevice(r.service())) {
            devicesReset(r);
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
        int shard = devices.shardOfPeer(r.service());
        if (shard < 0) {
            log.warn("{} is no device-service shard of this fabric ({} shards configured); ignored", r.service(), devices.shardCount());
            return;
        }
        String why = r.describe() + ": its device drivers were reloaded, the bond is gone";
        // The rebooted shard's list first: it says which devices are its own (what the routing knew of it was forgotten).
        List<DeviceViews.Device> list = null;
        try {
            list = devices.devicesOf(shard);
        } catch (RuntimeException e) {
            log.warn("device list of {} not taken again: {}", r.service(), e.getMessage());
        }
        for (SvaDeviceView d : sva.devices()) {
            if (devices.shardCount() > 1 && devices.shardOf(d.device()) != shard) {
                continue;
            }
            sva.initialisedDevice(d.device()).ifPresent(dev -> {
                try {
                    sva.deviceShutdown(dev, why);
                } catch (RuntimeException e) {
                    log.warn("SVA shutdown of {} after {}: {}", d.device(), r.describe(), e.getMessage());
                }
            });
        }
        if (list == null) {
            return;
        }
        for (DeviceViews.Device d : list) {
            try {
                catalog.add(d.description());
            } catch (ErrnoException refused) {
                log.error("device {} not added behind the SMMU after {}: {}", d.id(), r.describe(), refused.getMessage());
            }
        }
    }
}
