package org.svafabric.device.testing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.topology.DeviceDescription;
import org.svafabric.device.Device;
import org.svafabric.device.DeviceSettings;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.engine.Job;
import org.svafabric.device.engine.JobSpec;
import org.svafabric.device.engine.JobTable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** One device with its driver over a {@link FakeSmmu} (the real SMMU model unless scripted), started, for model tests. */
public final class Rig implements AutoCloseable {
    public final FakeSmmu smmu;
    public final JobTable jobs = new JobTable(1000);
    public final List<FabricEvent> events = new CopyOnWriteArrayList<>();
    public final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    public final Device device;
    public final DeviceDriver driver;

    public Rig(DeviceDescription d, DeviceSettings settings) {
        this(d, settings, new FakeSmmu());
    }

    public Rig(DeviceDescription d, DeviceSettings settings, FakeSmmu smmu) {
        this.smmu = smmu;
        device = new Device(d, smmu, smmu.ram, meters, events::add, settings, System::nanoTime);
        driver = new DeviceDriver(device, jobs, events::add, settings.stopTimeout());
        if (device.pcie() != null && device.pcie().pri() != null) {
            smmu.respondTo((index, pasid, code, kinds) -> device.pcie().pri().respond(index, pasid, code, kinds));
        }
        device.start();
    }

    public Rig(DeviceDescription d) {
        this(d, settings(16 * 1024));
    }

    /** Engines move one segment at a time (no lookahead): the scripted tests hold and answer each group in turn. */
    public static DeviceSettings settings(int segmentBytes) {
        return settings(segmentBytes, 0);
    }

    public static DeviceSettings settings(int segmentBytes, int lookaheadSegments) {
        return new DeviceSettings(segmentBytes, 1L << 24, null, null, Duration.ofSeconds(20), Duration.ofSeconds(20), null, null, null,
                lookaheadSegments, null, null, null);
    }

    /** A PCIe function with PASID, PRI (allocation {@code outstanding}) and ATS; SVA initialised. */
    public static Rig sva(int outstanding, int atcEntries, int engines, int queueDepth) {
        return sva(outstanding, atcEntries, engines, queueDepth, new FakeSmmu());
    }

    public static Rig sva(int outstanding, int atcEntries, int engines, int queueDepth, FakeSmmu smmu) {
        return sva(outstanding, atcEntries, engines, queueDepth, smmu, settings(16 * 1024));
    }

    public static Rig sva(int outstanding, int atcEntries, int engines, int queueDepth, FakeSmmu smmu, DeviceSettings settings) {
        Rig r = new Rig(new DeviceDescription("0000:01:00.0", "pci", null,
                new DeviceDescription.PasidCap(20, false, false),
                new DeviceDescription.PriCap(outstanding, true),
                new DeviceDescription.AtsCap(atcEntries, 32, 12), null, null,
                new DeviceDescription.Engine(queueDepth, engines)), settings, smmu);
        r.device.pcie().control(true, true, true, outstanding);
        return r;
    }

    public static Rig platform(int engines, int queueDepth) {
        return platform(engines, queueDepth, new FakeSmmu());
    }

    public static Rig platform(int engines, int queueDepth, FakeSmmu smmu) {
        return new Rig(new DeviceDescription("smmute0", "platform", 16, null, null, null, 8, true,
                new DeviceDescription.Engine(queueDepth, engines)), settings(16 * 1024), smmu);
    }

    /** A PCIe function without PASID: classical DMA only. */
    public static Rig classical() {
        return new Rig(new DeviceDescription("0000:03:00.0", "pci", null, null, null, null, null, null,
                new DeviceDescription.Engine(4, 1)));
    }

    public Job run(String op, Integer pasid, long src, long dst, long length, int value, long seed) {
        Job j = driver.submit(JobSpec.of(op, pasid, src, dst, length, value, seed, 1L << 24));
        try {
            // Bounded: a job that never ends fails the test instead of hanging it.
            return j.done().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("job " + j.id() + " did not end within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        device.close();
    }
}
