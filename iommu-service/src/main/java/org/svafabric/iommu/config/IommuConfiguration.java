package org.svafabric.iommu.config;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.events.EventLog;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultKind;
import org.svafabric.api.faults.FaultyMemoryBus;
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
 * Puts the machine together: the SMMU model from the topology (translation side, queue side on its
 * registers), the arm-smmu-v3 driver on the model's registers and on RAM in mm-service, the IOMMU core on the
 * driver, and the REST adapters of the core's ports. Nothing here holds logic of its own.
 */
@Configuration
@EnableConfigurationProperties(IommuSettings.class)
public class IommuConfiguration {

    /** {@code fabric.topology}: a YAML file ({@code classpath:} for a bundled one); empty: the default topology. */
    @Bean
    Topology topology(@Value("${fabric.topology:}") String location) {
        return Topology.loadFrom(location);
    }

    @Bean
    SmmuConfig smmuConfig(Topology topology) {
        return SmmuConfig.from(topology.smmu());
    }

    /** RAM: mm-service's memory bus. */
    @Bean
    @ConditionalOnMissingBean
    MemoryBus memoryBus(ServiceClients clients, FaultInjector faults) {
        return new FaultyMemoryBus(MemoryBusClient.of(clients), faults);
    }

    @Bean
    SmmuV3 smmuV3(SmmuConfig config, MemoryBus bus) {
        return new SmmuV3(config, bus);
    }

    @Bean
    @ConditionalOnMissingBean
    DeviceServiceClient deviceServiceClient(ServiceClients clients) {
        return new DeviceServiceClient(clients.device());
    }

    /** Messages on the PCIe link (ATC invalidations, PRG responses) travel on these threads. */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService smmuLinkExecutor() {
        return Executors.newFixedThreadPool(8, daemon("smmu-link"));
    }

    /** The command-queue consumer's passes (one at a time, ensured by the queue). */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService smmuCmdqExecutor() {
        return Executors.newSingleThreadExecutor(daemon("smmu-cmdq"));
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledExecutorService smmuTimers() {
        return Executors.newSingleThreadScheduledExecutor(daemon("smmu-timer"));
    }

    @Bean
    FabricEventLogs fabricEventLogs(EventLog events) {
        return new FabricEventLogs(events);
    }

    @Bean
    QueueFaultSink faultSink() {
        return new QueueFaultSink();
    }

    @Bean
    ArmSmmuV3 armSmmuV3(MemoryBus bus, SmmuV3 smmu, IommuSettings s, Topology topology, DeviceServiceClient devices,
                        QueueFaultSink faults, FabricEventLogs events, MeterRegistry meters) {
        DriverSettings settings = new DriverSettings("iommu-" + topology.smmu().name(),
                new CpuFeatures(12, s.cpuVaBits(), s.cpuPaBits(), s.cpuAsidBits()), s.btm(), topology.smmu().e2h(),
                s.tlbiMaxPages(), s.syncTimeout());
        DriverMeters counted = new DriverMeters(meters);
        return counted.watch(new ArmSmmuV3(bus, new RegisterFileMmio(smmu.registers()), settings, devices, faults,
                events.driver(), counted));
    }

    @Bean
    SmmuAssembly smmuAssembly(SmmuConfig config, SmmuV3 smmu, MemoryBus bus, ArmSmmuV3 driver, ServiceClients clients,
                              ExecutorService smmuLinkExecutor, ExecutorService smmuCmdqExecutor,
                              ScheduledExecutorService smmuTimers, IommuSettings s, FaultInjector faults,
                              FaultKindNotes faultKinds) {
        IntFunction<String> deviceOfSid = sid -> driver.masterBySid(sid).map(Master::id).orElse(null);
        PcieLink port = new FaultyPcieLink(new RestDevicePort(clients.device(), deviceOfSid, smmuLinkExecutor, faultKinds), faults,
                deviceOfSid, smmuTimers);
        SmmuAssembly assembly = new SmmuAssembly(config, smmu.registers(), bus, smmu, port, smmu, smmuCmdqExecutor,
                Scheduler.of(smmuTimers), new SmmuAssembly.Timeouts(s.atcTimeout(), s.stallWatchdog()),
                new SmmuAssembly.Interrupts(driver::raiseEventQueueIrq, driver::raisePriQueueIrq, driver::raiseGerrorIrq,
                        driver::syncInterrupt));
        if (s.commandOrderSeed() != null) {
            assembly.commandQueue().completeInShuffledOrder(s.commandOrderSeed());
        }
        // The queue faults' hooks: off until a fault is armed.
        assembly.priQueue().overflowWhen(sid -> faults.fire(FaultKind.PRIQ_OVERFLOW, deviceOfSid.apply(sid)).isPresent());
        assembly.eventQueue().overflowWhen(() -> faults.fire(FaultKind.EVTQ_OVERFLOW, null).isPresent());
        return assembly;
    }

    @Bean(destroyMethod = "close")
    IopfQueue iopfQueue(ArmSmmuV3 driver, QueueFaultSink faults, IommuSettings s, Topology topology,
                        FabricEventLogs events, MeterRegistry meters) {
        String name = topology.smmu().name();
        IopfMeters counted = new IopfMeters(name, meters);
        IopfQueue queue = counted.watch(new IopfQueue(name, s.iopfWorkers(), s.iopfCapacity(), driver,
                IopfListener.all(List.of(counted, new IopfEvents(events.core())))));
        faults.connect(queue);
        return queue;
    }

    @Bean
    RestMmPort mmPort(ServiceClients clients, FabricProperties props, ArmSmmuV3 driver) {
        return new RestMmPort(clients.mm(), props.services().iommu(), driver::btmActive);
    }

    @Bean
    IommuSva iommuSva(ArmSmmuV3 driver, RestMmPort mm, DeviceServiceClient devices, IopfQueue queue,
                      FabricEventLogs events, MeterRegistry meters, FaultKindNotes faultKinds) {
        SvaMeters counted = new SvaMeters(meters);
        IommuSva sva = counted.watch(new IommuSva(driver, mm, devices, device -> queue,
                SvaListener.all(List.of(counted, new SvaEvents(events.core()))), faultKinds));
        events.resolvePidsWith(sva::find);
        return sva;
    }

    /** What handle_mm_fault took per fault group, from the IOPF handler to the answers that carry it to the device. */
    @Bean
    FaultKindNotes faultKindNotes() {
        return new FaultKindNotes();
    }

    /** iommu_register_device_fault_handler: unrecoverable faults from the event queue to the device drivers. */
    @Bean
    DeviceFaultHandlers deviceFaultHandlers(DeviceServiceClient devices, ExecutorService smmuLinkExecutor, QueueFaultSink faults) {
        DeviceFaultHandlers handlers = new DeviceFaultHandlers(devices, smmuLinkExecutor);
        faults.connect(handlers);
        return handlers;
    }

    /**
     * Every device added behind the SMMU gets its meters, and the fault handler its device-service driver registers
     * when it binds to the device (the driver's probe, which follows the device's arrival behind the IOMMU).
     */
    @Bean
    DeviceCatalog deviceCatalog(ArmSmmuV3 driver, Topology topology, SmmuV3 smmu, MeterRegistry meters,
                                DeviceFaultHandlers faultHandlers) {
        StreamMeters streams = new StreamMeters(smmu, meters);
        return new DeviceCatalog(driver, topology, d -> {
            streams.register(d);
            faultHandlers.register(d);
        });
    }

    @Bean
    SmmuPorts smmuPorts(SmmuV3 smmu, SmmuAssembly assembly, FaultKindNotes faultKinds) {
        return new SmmuPorts(smmu, assembly.priQueue(), assembly.stalls(), assembly.eventQueue(), faultKinds);
    }

    /** The CPU's TLBIs into the SMMU: by VA one page at a time (TLBI VAE1IS), or the whole ASID. */
    @Bean
    BroadcastTlbi broadcastTlbi(SmmuV3 smmu, ArmSmmuV3 driver) {
        return (asid, va, pages) -> {
            TlbInvalidation.Regime regime = driver.e2hActive() ? TlbInvalidation.Regime.EL2 : TlbInvalidation.Regime.NH;
            if (va == null) {
                smmu.broadcastTlbi(TlbInvalidation.asid(regime, asid));
                return;
            }
            long n = pages == null ? 1 : pages;
            for (long i = 0; i < n; i++) {
                smmu.broadcastTlbi(TlbInvalidation.va(regime, asid, va + (i << 12), false));
            }
        };
    }

    /** Depends on the assembly: the queue side must hang on the registers before the driver probes through them. */
    @Bean
    SmmuBringUp smmuBringUp(ArmSmmuV3 driver, DeviceCatalog catalog, DeviceServiceClient devices, IommuSettings s,
                            SmmuAssembly assembly) {
        return new SmmuBringUp(driver, catalog, devices, s.discoveryRetry(), s.startupWait());
    }

    @Bean
    SmmuMeters smmuMeters(SmmuV3 smmu, SmmuAssembly assembly) {
        return new SmmuMeters(smmu, assembly.priQueue());
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
