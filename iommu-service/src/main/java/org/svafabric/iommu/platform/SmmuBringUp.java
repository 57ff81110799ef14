package org.svafabric.iommu.platform;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.svafabric.api.device.DeviceViews;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.driver.ArmSmmuV3;

/**
 * Brings the SMMU up without depending on the order the fabric starts its services in: the driver probes when
 * mm-service (RAM) first answers, and the devices are taken from device-service when it first answers, both
 * retried in the background. Start-up waits a bounded time for this, so that a fabric started in order is
 * ready when its services are; until then the API answers EAGAIN.
 */
public final class SmmuBringUp implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(SmmuBringUp.class);

    private final SmmuUnits units;
    private final DeviceCatalog catalog;
    private final DeviceServiceClient deviceService;
    private final Duration retry;
    private final Duration startupWait;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Thread thread;

    public SmmuBringUp(SmmuUnits units, DeviceCatalog catalog, DeviceServiceClient deviceService, Duration retry,
                Duration startupWait) {
        this.units = units;
        this.catalog = catalog;
        this.deviceService = deviceService;
        this.retry = retry;
        this.startupWait = startupWait;
    }

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            Thread t = new Thread(this::bringUp, "smmu-bring-up");
            t.setDaemon(true);
            thread = t;
            t.start();
            try {
                t.join(startupWait.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                log.warn("SMMU not fully up after {}: probe {}, devices {}; going on in the background", startupWait,
                        probed() ? "done" : "waiting for mm-service", catalog.discovered() ? "known" : "waiting for device-service");
            }
        }
    }

    private boolean probed() {
        return units.drivers().stream().allMatch(ArmSmmuV3::probed);
    }

    /** Each SMMU's driver probes in the topology's order (its tables and queues in RAM), then the devices come. */
    private void bringUp() {
        for (ArmSmmuV3 driver : units.drivers()) {
            while (running.get() && !driver.probed()) {
                try {
                    driver.probe();
                } catch (RuntimeException e) {
                    log.info("SMMU probe waits for RAM (mm-service): {}", e.getMessage());
                    pause();
                }
            }
        }
        while (running.get() && !catalog.discovered()) {
            try {
                for (DeviceViews.Device d : deviceService.devices()) {
                    add(d);
                }
                catalog.markDiscovered();
            } catch (RuntimeException e) {
                log.info("device discovery waits for device-service: {}", e.getMessage());
                pause();
            }
        }
    }

    private void add(DeviceViews.Device d) {
        try {
            catalog.add(d.description());
            units.of(d.id()).driver().resetEndpointAtProbe(d.id());
        } catch (ErrnoException refused) {
            // One bad description must not keep the others from the SMMU; the reason is in the log.
            log.error("device {} not added behind the SMMU: {}", d.id(), refused.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(retry.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void stop() {
        running.set(false);
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        units.drivers().forEach(ArmSmmuV3::close);
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
