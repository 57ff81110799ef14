package org.svafabric.api.events.migration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/** Every service with Flyway gets the shared event-log migration ({@link EventLogMigration}). */
@AutoConfiguration
@ConditionalOnClass(name = {"org.flywaydb.core.Flyway",
        "org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer"})
public class EventLogMigrationAutoConfiguration {

    @Bean
    EventLogMigration eventLogMigration(@Value("${fabric.event-log.migration-version:1}") String version) {
        return new EventLogMigration(version);
    }
}
