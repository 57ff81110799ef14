package org.svafabric.iommu.reboot;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.svafabric.api.threads.PeriodicCheck;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.platform.SmmuUnits;

/**
 * A device-service shard that did not answer when the SMMU discovered its devices (it was down, or still starting)
 * brings its devices later: until every shard was listed, the missing ones are asked again now and then, and each
 * device of a shard that answers is added behind the SMMU as discovery adds one (its endpoint's ATC reset first).
 * Its first answer is no reboot (nothing was known of it), so {@link MachineReboots} would not see it.
 */
public final class LateShards extends PeriodicCheck {
    private static final Logger log = LoggerFactory.getLogger(LateShards.class);

    private final DeviceServiceClient devices;
    private final DeviceCatalog catalog;
    private final SmmuUnits units;

    public LateShards(DeviceServiceClient devices, DeviceCatalog catalog, SmmuUnits units, Duration interval) {
        super("late-device-shards", Duration.ofMillis(Math.max(100, interval.toMillis())));
        this.devices = devices;
        this.catalog = catalog;
        this.units = units;
    }

    /** One round: the missing shards' devices, if any answers now. */
    @Override
    public void checkNow() {
        if (!catalog.discovered() || devices.missingShards().isEmpty()) {
            return;
        }
        for (DeviceViews.Device d : devices.retryMissing()) {
            try {
                catalog.add(d.description());
                units.of(d.id()).driver().resetEndpointAtProbe(d.id());
                log.info("device {} of a device-service shard that answered late is behind the SMMU", d.id());
            } catch (ErrnoException refused) {
                log.error("device {} not added behind the SMMU: {}", d.id(), refused.getMessage());
            } catch (RuntimeException e) {
                log.warn("device {} of a late shard not added yet: {}", d.id(), e.getMessage());
            }
        }
    }

    /** Only with several shards: one shard is discovered whole or not at all. */
    @Override
    protected boolean wanted() {
        return devices.shardCount() >= 2;
    }

    @Override
    protected void failed(RuntimeException e) {
        log.debug("late shards: {}", e.getMessage());
    }
}
