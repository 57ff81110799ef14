package org.svafabric.api.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.svafabric.api.boot.BootId;
import org.svafabric.api.boot.BootIdFilter;
import org.svafabric.api.boot.BootAnnouncement;
import org.svafabric.api.boot.BootWatchdog;
import org.svafabric.api.boot.PeerBoots;
import org.svafabric.api.boot.PeerRebootListener;
import org.svafabric.api.client.ServiceClients;
import org.svafabric.api.events.EventLog;
import org.svafabric.api.events.EventLogController;
import org.svafabric.api.faults.FaultController;
import org.svafabric.api.faults.FaultInjector;

import io.micrometer.core.instrument.MeterRegistry;

/** What every fabric service shares: problem+json errors, the service credential, service clients. */
@AutoConfiguration(afterName = {"org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@EnableConfigurationProperties(FabricProperties.class)
public class FabricWebAutoConfiguration {

    /** Tomcat's own refusals (before any servlet) as problem+json; after Spring Boot's valve, which it replaces. */
    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnClass(name = "org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory")
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(ProblemErrorReportValve::install);
    }

    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnMissingBean
    ProblemAdvice problemAdvice() {
        return new ProblemAdvice();
    }

    /** Unknown fields and numbers-for-text are refused in every service's JSON bodies. */
    @Bean
    @ConditionalOnClass(name = "org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer")
    StrictJson strictJson() {
        return new StrictJson();
    }

    /** Health details only for the service credential (or what the service's {@link HealthDetailsFilter.HealthAuthorizer}s accept). */
    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<HealthDetailsFilter> healthDetailsFilter(FabricProperties props,
                                                                  ObjectProvider<HealthDetailsFilter.HealthAuthorizer> authorizers) {
        FilterRegistrationBean<HealthDetailsFilter> reg = new FilterRegistrationBean<>(
                new HealthDetailsFilter(props.serviceToken(), authorizers.orderedStream().toList()));
        reg.setOrder(-90);
        return reg;
    }

    /** This boot of this service (see {@link BootId}). */
    @Bean
    @ConditionalOnMissingBean
    BootId bootId(Environment env) {
        return BootId.generate(env.getProperty("spring.application.name", "service"));
    }

    @Bean
    @ConditionalOnMissingBean
    PeerBoots peerBoots(BootId self) {
        return new PeerBoots(self.service());
    }

    /**
     * The services' reset handlers ({@link PeerRebootListener} beans) join once every bean exists: they depend
     * on the service's machine, which depends on the clients, which report to {@link PeerBoots}. The watchdog's
     * question to the other peers comes last: this service's reset for the reboot it saw runs first.
     */
    @Bean
    static SmartInitializingSingleton peerRebootListeners(ObjectProvider<PeerBoots> boots,
                                                          ObjectProvider<PeerRebootListener> listeners,
                                                          ObjectProvider<BootWatchdog> watchdog) {
        return () -> {
            listeners.orderedStream().forEach(l -> boots.getObject().addListener(l));
            watchdog.ifAvailable(w -> boots.getObject().addListener(w::askTheOthers));
        };
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceClients serviceClients(FabricProperties props, BootId self, PeerBoots boots) {
        return new ServiceClients(props, self, boots);
    }

    /** After the service credential's filter: only authenticated calls tell a peer's boot id. */
    @Bean
    @ConditionalOnWebApplication
    FilterRegistrationBean<BootIdFilter> bootIdFilter(BootId self, PeerBoots boots, FabricProperties props) {
        FilterRegistrationBean<BootIdFilter> reg = new FilterRegistrationBean<>(new BootIdFilter(self, boots, props.serviceToken()));
        reg.setOrder(-99);
        return reg;
    }

    /**
     * {@code fabric.boot.watch}: the peers whose reboots matter here (default: the other services);
     * {@code fabric.boot.check-interval} (2s; 0 turns the periodic check off).
     */
    @Bean
    @ConditionalOnWebApplication
    BootWatchdog bootWatchdog(Environment env, BootId self, PeerBoots boots, FabricProperties props) {
        FabricProperties.Services s = props.services();
        Map<String, String> all = new LinkedHashMap<>();
        all.put(BootId.MM, s.mm());
        all.put(BootId.IOMMU, s.iommu());
        List<String> shards = s.deviceUrls();
        for (int k = 0; k < shards.size(); k++) {
            all.put(BootId.deviceShard(k, shards.size()), shards.get(k));
        }
        all.put(BootId.GATEWAY, s.gateway());
        String watch = env.getProperty("fabric.boot.watch", "");
        Map<String, String> peers = new LinkedHashMap<>();
        all.forEach((name, url) -> {
            List<String> named = List.of(watch.split("\\s*,\\s*"));
            boolean wanted = watch.isBlank() ? !name.equals(BootId.GATEWAY)
                    : named.contains(name) || (BootId.isDevice(name) && named.contains(BootId.DEVICE));
            // A device-service shard does not depend on its neighbour shards.
            boolean neighbourShard = BootId.isDevice(self.service()) && BootId.isDevice(name);
            if (wanted && !name.equals(self.service()) && !neighbourShard) {
                peers.put(name, url);
            }
        });
        return new BootWatchdog(peers, boots, env.getProperty("fabric.boot.check-interval", Duration.class, Duration.ofSeconds(2)));
    }

    /** {@code fabric.boot.announce} (true): a booted service tells the peers that depend on it before it is ready. */
    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnProperty(name = "fabric.boot.announce", havingValue = "true", matchIfMissing = true)
    BootAnnouncement bootAnnouncement(BootId self, ServiceClients clients) {
        return new BootAnnouncement(self, clients);
    }

    /** The service's event log, persisted to its event_log table when it has a database. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(JdbcTemplate.class)
    EventLog eventLog(Environment env, JdbcTemplate jdbc, MeterRegistry meters, BootId self) {
        // Named as the service is a peer (BootId): a device-service shard's events are "device-service-1:<seq>".
        return new EventLog(self.service(), jdbc, meters,
                env.getProperty("fabric.events.retained", Integer.class, 100_000));
    }

    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnBean(EventLog.class)
    EventLogController eventLogController(EventLog events) {
        return new EventLogController(events);
    }

    /** The faults armed in this service (none by default), which its model's injection points consult. */
    @Bean
    @ConditionalOnMissingBean
    FaultInjector faultInjector(Environment env, ObjectProvider<EventLog> log) {
        EventLog l = log.getIfAvailable();
        return new FaultInjector(env.getProperty("spring.application.name", "service"), l == null ? e -> { } : l::emit);
    }

    @Bean
    @ConditionalOnWebApplication
    FaultController faultController(FaultInjector faults) {
        return new FaultController(faults);
    }

    @Bean
    @ConditionalOnWebApplication
    LivenessController livenessController(ApplicationAvailability availability) {
        return new LivenessController(availability);
    }

    /** Internal services (not the gateway) set {@code fabric.require-service-token=true}. */
    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnProperty(name = "fabric.require-service-token", havingValue = "true")
    FilterRegistrationBean<ServiceCredentialFilter> serviceCredentialFilter(FabricProperties props) {
        if (props.serviceToken() == null || props.serviceToken().isBlank()) {
            throw new IllegalStateException("fabric.require-service-token is set but fabric.service-token is empty");
        }
        FilterRegistrationBean<ServiceCredentialFilter> reg = new FilterRegistrationBean<>(new ServiceCredentialFilter(props.serviceToken()));
        reg.setOrder(-100);
        return reg;
    }
}
