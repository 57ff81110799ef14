package org.svafabric.device.reboot;

import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.PeerReboot;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.device.Devices;
import org.svafabric.device.driver.DeviceDriver;

/**
 * RAM (mm-service) or the SMMU (iommu-service) rebooted: the bonds every device worked for are gone, so each
 * device driver aborts its jobs with the reason and the device's ATC is emptied (see
 * {@link DeviceDriver#machineReset}). This runs before the rebooted peer's first call is handled here, so the
 * new SMMU's first command finds no translation of its previous life.
 */
public final class MachineReboots implements PeerRebootListener {
    private final Devices devices;

    public MachineReboots(Devices devices) {
        this.devices = devices;
    }

    @Override
    public void peerRebooted(PeerReboot r) {
        String why = switch (r.service()) {
            case BootId.MM -> "aborted: " + r.describe() + ", RAM and the bonds in it are gone";
            case BootId.IOMMU -> "aborted: " + r.describe() + ", the SMMU was reset and its bonds are gone";
            default -> null;
        };
        if (why == null) {
            return;
        }
        for (DeviceDriver d : devices.all()) {
            d.machineReset(why);
        }
    }
}
