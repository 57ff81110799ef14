package org.svafabric.device;

import java.util.function.Consumer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.bus.MemoryBus;
import org.svafabric.api.bus.MemoryBusClient;
import org.svafabric.api.faults.FaultInjector;
import org.svafabric.api.faults.FaultyMemoryBus;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.events.EventLog;
import org.svafabric.api.events.FabricEvent;
import org.svafabric.api.web.FabricProperties;
import org.svafabric.device.driver.DeviceDriver;
import org.svafabric.device.engine.JobNumbers;
import org.svafabric.device.engine.JobTable;
import org.svafabric.device.events.PasidOwners;
import org.svafabric.device.firmware.HotplugJournal;
import org.svafabric.device.firmware.HotpluggedDeviceRepository;
import org.svafabric.device.firmware.JpaHotplugJournal;
import org.svafabric.device.firmware.TopologyLoader;
import org.svafabric.api.topology.Topology;
import org.svafabric.device.iommu.IommuPort;
import org.svafabric.device.iommu.RestIommuPort;
import org.svafabric.device.store.JdbcJobNumberBlocks;

import io.micrometer.core.instrument.MeterRegistry;

/** Builds the devices from the topology; nothing here holds logic of its own. */
@Configuration
@EnableConfigurationProperties(DeviceSettings.class)
public class DeviceConfiguration {
    /** Job numbers reserved per database write: one write per thousand jobs, and ids stay short. */
    private static final int JOB_NUMBER_BLOCK = 1000;

    /** RAM: mm-service's memory bus. */
    @Bean
    @ConditionalOnMissingBean
    MemoryBus memoryBus(ServiceClients clients, FaultInjector faults) {
        return new FaultyMemoryBus(MemoryBusClient.of(clients), faults);
    }

    @Bean
    @ConditionalOnMissingBean
    IommuPort iommuPort(ServiceClients clients, DeviceSettings settings) {
        return new RestIommuPort(clients, settings.stallTimeout());
    }

    /** This boot of this shard: a peer of its own to the other services ("device-service-1" of several shards). */
    @Bean
    BootId bootId(DeviceSettings settings) {
        return BootId.generate(settings.deviceShard().peerName());
    }

    /**
     * Job ids carry the shard ("j1-42"), so that they are unique across shards and name where the job is, and their
     * numbers come from blocks reserved in the database, so that no id names two jobs across restarts.
     */
    @Bean
    JobTable jobTable(DeviceSettings settings, JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        String prefix = settings.deviceShard().jobPrefix();
        JobNumbers numbers = JobNumbers.blocks(new JdbcJobNumberBlocks(jdbc, new TransactionTemplate(transactions), prefix),
                JOB_NUMBER_BLOCK);
        return new JobTable(settings.jobsRetained(), prefix, numbers);
    }

    @Bean
    HotplugJournal hotplugJournal(HotpluggedDeviceRepository repo) {
        return new JpaHotplugJournal(repo);
    }

    @Bean
    PasidOwners pasidOwners() {
        return new PasidOwners();
    }

    @Bean(destroyMethod = "close")
    Devices devices(@Value("${fabric.topology:}") String topologyFile, IommuPort iommu, MemoryBus ram, MeterRegistry meters,
                    ObjectProvider<EventLog> eventLog, DeviceSettings settings, JobTable jobs, HotplugJournal journal,
                    PasidOwners owners) {
        EventLog log = eventLog.getIfAvailable();
        Consumer<FabricEvent> events = log == null ? e -> { } : owners.attributing(log::emit);
        Topology topology = TopologyLoader.load(topologyFile);
        return new Devices(topology, settings.deviceShard(), d -> new DeviceDriver(
                new Device(d, iommu.toSmmu(topology.smmuNameOf(d)), ram, meters, events, settings, System::nanoTime), jobs,
                events, settings.stopTimeout()),
                iommu, journal, events);
    }
}
