package org.svafabric.iommu.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.client.RemoteService;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.device.DeviceApi;
import org.svafabric.api.events.EventLog;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultKind;
import org.svafabric.api.faults.FaultyMemoryBus;
import org.svafabric.api.topology.SmmuDescription;
import org.svafabric.api.topology.Topology;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.iommu.api.BroadcastTlbi;
import org.svafabric.iommu.api.DeviceCatalog;
import org.svafabric.iommu.api.SmmuPorts;
import org.svafabric.iommu.client.DeviceServiceClient;
import org.svafabric.iommu.client.RestDevicePort;
import org.svafabric.iommu.client.RestMmPort;
import org.svafabric.iommu.core.iopf.FaultKindNotes;
import org.svafabric.iommu.core.iopf.IopfListener;
import org.svafabric.iommu.core.iopf.IopfQueue;
import org.svafabric.iommu.core.sva.IommuSva;
import org.svafabric.iommu.core.sva.SvaListener;
import org.svafabric.iommu.driver.ArmSmmuV3;
import org.svafabric.iommu.driver.CpuFeatures;
import org.svafabric.iommu.driver.DriverSettings;
import org.svafabric.iommu.driver.Master;
import org.svafabric.iommu.faults.FaultyPcieLink;
import org.svafabric.iommu.hw.SmmuAssembly;
import org.svafabric.iommu.hw.SmmuV3;
import org.svafabric.iommu.hw.pcie.PcieLink;
import org.svafabric.iommu.hw.queue.Scheduler;
import org.svafabric.iommu.hw.regs.SmmuConfig;
import org.svafabric.iommu.hw.tlb.TlbInvalidation;
import org.svafabric.iommu.platform.QueueFaultSink;
import org.svafabric.iommu.core.fault.DeviceFaultHandlers;
import org.svafabric.iommu.platform.RegisterFileMmio;
import org.svafabric.iommu.platform.SmmuBringUp;
import org.svafabric.iommu.platform.SmmuRouter;
import org.svafabric.iommu.platform.SmmuUnit;
import org.svafabric.iommu.platform.SmmuUnits;
import org.svafabric.iommu.telemetry.DriverMeters;
import org.svafabric.iommu.telemetry.FabricEventLogs;
import org.svafabric.iommu.telemetry.IopfEvents;
import org.svafabric.iommu.telemetry.IopfMeters;
import org.svafabric.iommu.telemetry.SmmuMeters;
import org.svafabric.iommu.telemetry.StreamMeters;
import org.svafabric.iommu.telemetry.SvaEvents;
import org.svafabric.iommu.telemetry.SvaMeters;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Puts the machine together: one SMMU model per SMMU of the topology (translation side, queue side on its
 * registers), an arm-smmu-v3 driver instance on each model's registers and on RAM in mm-service, one IOMMU core on
 * the drivers, and the REST adapters of the core's ports. Nothing here holds logic of its own.
 */
@Configuration
@EnableConfigurationProperties(IommuSettings.class)
public class IommuConfiguration {

    /** {@code fabric.topology}: a YAML file ({@code classpath:} for a bundled one); empty: the default topology. */
    @Bean
    Topology topology(@Value("${fabric.topology:}") String location) {
        return Topology.loadFrom(location);
    }

    /** RAM: mm-service's memory bus. */
    @Bean
    @ConditionalOnMissingBean
    MemoryBus memoryBus(ServiceClients clients, FaultInjector faults) {
        return new FaultyMemoryBus(MemoryBusClient.of(clients), faults);
    }

    @Bean
    @ConditionalOnMissingBean
    DeviceServiceClient deviceServiceClient(ServiceClients clients) {
        return new DeviceServiceClient(clients.device(), clients.of(RemoteService.DEVICE, DeviceApi.class, DeviceApi.MM_EXIT_TIMEOUT));
    }

    /** Messages on the PCIe link (ATC invalidations, PRG responses) travel on these threads, for every SMMU. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService smmuLinkExecutor() {
        return Executors.newFixedThreadPool(8, daemon("smmu-link"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService smmuTimers() {
        return Executors.newSingleThreadScheduledExecutor(daemon("smmu-timer"));
    }

    @Bean
    FabricEventLogs fabricEventLogs(EventLog events) {
        return new FabricEventLogs(events);
    }

    /** What handle_mm_fault took per fault group, from the IOPF handler to the answers that carry it to the device. */
    @Bean
    FaultKindNotes faultKindNotes() {
        return new FaultKindNotes();
    }

    /** iommu_register_device_fault_handler: unrecoverable faults from the event queues to the device drivers. */
    @Bean
    DeviceFaultHandlers deviceFaultHandlers(DeviceServiceClient devices, ExecutorService smmuLinkExecutor) {
        return new DeviceFaultHandlers(devices, smmuLinkExecutor);
    }

    /** Every SMMU of the topology, each a full model with its own driver instance and fault queue. */
    @Bean(destroyMethod = "close")
    SmmuUnits smmuUnits(Topology topology, MemoryBus bus, IommuSettings s, DeviceServiceClient devices,
                        ServiceClients clients, ExecutorService smmuLinkExecutor, ScheduledExecutorService smmuTimers,
                        FaultInjector faults, FaultKindNotes faultKinds, DeviceFaultHandlers faultHandlers,
                        FabricEventLogs events, MeterRegistry meters) {
        // Private-domain ids are the VFIO layer's handles: one namespace over the SMMUs.
        AtomicLong domainIds = new AtomicLong(1);
        List<SmmuUnit> units = new ArrayList<>();
        for (SmmuDescription d : topology.smmus()) {
            units.add(unit(d, bus, s, devices, clients, smmuLinkExecutor, smmuTimers, faults, faultKinds, faultHandlers,
                    events, meters, domainIds));
        }
        return new SmmuUnits(units);
    }

    private static SmmuUnit unit(SmmuDescription d, MemoryBus bus, IommuSettings s, DeviceServiceClient devices,
                                 ServiceClients clients, ExecutorService smmuLinkExecutor,
                                 ScheduledExecutorService smmuTimers, FaultInjector faults, FaultKindNotes faultKinds,
                                 DeviceFaultHandlers faultHandlers, FabricEventLogs events, MeterRegistry meters,
                                 AtomicLong domainIds) {
        String name = d.name();
        SmmuConfig config = SmmuConfig.from(d);
        SmmuV3 smmu = new SmmuV3(config, bus);
        QueueFaultSink sink = new QueueFaultSink();
        sink.connect(faultHandlers);
        DriverSettings settings = new DriverSettings("iommu-" + name,
                new CpuFeatures(12, s.cpuVaBits(), s.cpuPaBits(), s.cpuAsidBits()), s.btm(), d.e2h(),
                s.tlbiMaxPages(), s.syncTimeout());
        DriverMeters counted = new DriverMeters(meters, name);
        ArmSmmuV3 driver = counted.watch(new ArmSmmuV3(bus, new RegisterFileMmio(smmu.registers()), settings, devices, sink,
                events.driver(), counted));
        driver.shareDomainIds(domainIds);

        IntFunction<String> deviceOfSid = sid -> driver.masterBySid(sid).map(Master::id).orElse(null);
        PcieLink port = new FaultyPcieLink(new RestDevicePort(clients.device(), deviceOfSid, smmuLinkExecutor, faultKinds), faults,
                deviceOfSid, smmuTimers);
        // The command-queue consumer's passes, one at a time (ensured by the queue), on this SMMU's own thread.
        ExecutorService cmdq = Executors.newSingleThreadExecutor(daemon("smmu-cmdq-" + name));
        SmmuAssembly assembly = new SmmuAssembly(config, smmu.registers(), bus, smmu, port, smmu, cmdq,
                Scheduler.of(smmuTimers), new SmmuAssembly.Timeouts(s.atcTimeout(), s.stallWatchdog()),
                new SmmuAssembly.Interrupts(driver::raiseEventQueueIrq, driver::raisePriQueueIrq, driver::raiseGerrorIrq,
                        driver::syncInterrupt));
        if (s.commandOrderSeed() != null) {
            assembly.commandQueue().completeInShuffledOrder(s.commandOrderSeed());
        }
        // The queue faults' hooks: off until a fault is armed.
        assembly.priQueue().overflowWhen(sid -> faults.fire(FaultKind.PRIQ_OVERFLOW, deviceOfSid.apply(sid)).isPresent());
        assembly.eventQueue().overflowWhen(() -> faults.fire(FaultKind.EVTQ_OVERFLOW, null).isPresent());

        IopfMeters iopfCounted = new IopfMeters(name, meters);
        IopfQueue queue = iopfCounted.watch(new IopfQueue(name, s.iopfWorkers(), s.iopfCapacity(), driver,
                IopfListener.all(List.of(iopfCounted, new IopfEvents(events.core())))));
        sink.connect(queue);
        new SmmuMeters(name, smmu, assembly.priQueue()).bindTo(meters);
        SmmuPorts ports = new SmmuPorts(smmu, assembly.priQueue(), assembly.stalls(), assembly.eventQueue(), faultKinds,
                deviceOfSid);
        return new SmmuUnit(d, smmu, assembly, driver, queue, ports, cmdq);
    }

    @Bean
    RestMmPort mmPort(ServiceClients clients, FabricProperties props, SmmuUnits units) {
        return new RestMmPort(clients.mm(), props.services().iommu(), units::anyBtmActive);
    }

    @Bean
    IommuSva iommuSva(SmmuUnits units, RestMmPort mm, DeviceServiceClient devices,
                      FabricEventLogs events, MeterRegistry meters, FaultKindNotes faultKinds) {
        SvaMeters counted = new SvaMeters(meters);
        IommuSva sva = counted.watch(new IommuSva(new SmmuRouter(units), mm, devices, units,
                SvaListener.all(List.of(counted, new SvaEvents(events.core()))), faultKinds));
        events.resolvePidsWith(sva::find);
        return sva;
    }

    /**
     * Every device added behind an SMMU gets its meters, and the fault handler its device-service driver registers
     * when it binds to the device (the driver's probe, which follows the device's arrival behind the IOMMU).
     */
    @Bean
    DeviceCatalog deviceCatalog(SmmuUnits units, Topology topology, MeterRegistry meters,
                                DeviceFaultHandlers faultHandlers) {
        Map<String, StreamMeters> streams = new HashMap<>();
        units.all().forEach(u -> streams.put(u.name(), new StreamMeters(u.name(), u.smmu(), meters)));
        return new DeviceCatalog(units, topology, (unit, d) -> {
            streams.get(unit.name()).register(d);
            faultHandlers.register(d);
        });
    }

    /**
     * The CPU's TLBIs (TLBI VAE1IS, one page at a time, or the whole ASID) reach every SMMU in the broadcast domain;
     * each one applies them only with BTM and CR2.PTM clear.
     */
    @Bean
    BroadcastTlbi broadcastTlbi(SmmuUnits units) {
        return (asid, va, pages) -> {
            for (SmmuUnit u : units.all()) {
                TlbInvalidation.Regime regime = u.driver().e2hActive() ? TlbInvalidation.Regime.EL2 : TlbInvalidation.Regime.NH;
                if (va == null) {
                    u.smmu().broadcastTlbi(TlbInvalidation.asid(regime, asid));
                    continue;
                }
                long n = pages == null ? 1 : pages;
                List<TlbInvalidation> run = new ArrayList<>((int) Math.min(n, 512));
                for (long i = 0; i < n; i++) {
                    run.add(TlbInvalidation.va(regime, asid, va + (i << 12), false));
                }
                u.smmu().broadcastTlbis(run);
            }
        };
    }

    /** Depends on the units: each queue side hangs on its registers before its driver probes through them. */
    @Bean
    SmmuBringUp smmuBringUp(SmmuUnits units, DeviceCatalog catalog, DeviceServiceClient devices, IommuSettings s) {
        return new SmmuBringUp(units, catalog, devices, s.discoveryRetry(), s.startupWait());
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
