package org.svafabric.api.events.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.assertj.core.groups.Tuple;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One event-log migration for every service, at the version each service's history has it. */
class EventLogMigrationTest {
    private static int databases;

    @TempDir
    Path dir;

    private static String freshDatabase() {
        return "jdbc:h2:mem:eventlog" + (++databases) + ";DB_CLOSE_DELAY=-1";
    }

    private static FluentConfiguration flyway(String url, String... locations) {
        return Flyway.configure().dataSource(url, "sa", "").locations(locations);
    }

    private static byte[] sharedScript() throws IOException {
        try (InputStream in = EventLogMigration.class.getClassLoader().getResourceAsStream(EventLogMigration.SCRIPT)) {
            return in.readAllBytes();
        }
    }

    @Test
    void aFreshDatabaseGetsTheEventLogBeforeTheServicesOwnMigrations() {
        String url = freshDatabase();
        FluentConfiguration c = flyway(url, "classpath:db/migration/eventlogtest");
        new EventLogMigration("0.1").customize(c);
        c.load().migrate();
        MigrationInfo[] applied = c.load().info().applied();
        assertThat(applied).extracting(i -> i.getVersion().getVersion(), MigrationInfo::getDescription, MigrationInfo::getScript)
                .containsExactly(Tuple.tuple("0.1", "event log", "V0_1__event_log.sql"),
                        Tuple.tuple("1", "processes", "V1__processes.sql"));
    }

    @Test
    void aDatabaseMigratedWithAServicesOwnCopyStaysValidAndHasNothingPending() throws IOException {
        // The layout before: every service carried the same script as its own migration file.
        Files.write(dir.resolve("V1__event_log.sql"), sharedScript());
        Files.writeString(dir.resolve("V2__hotplug.sql"), "create table hotplugged (id varchar(64) primary key);\n");
        String url = freshDatabase();
        flyway(url, "filesystem:" + dir).load().migrate();
        Files.delete(dir.resolve("V1__event_log.sql"));

        FluentConfiguration now = flyway(url, "filesystem:" + dir);
        new EventLogMigration("1").customize(now);
        now.load().validate();
        assertThat(now.load().info().pending()).isEmpty();
        assertThat(now.load().migrate().migrationsExecuted).isZero();
    }

    @Test
    void theScriptAtAnotherVersionThanTheHistorysIsRefused() throws IOException {
        Files.write(dir.resolve("V1__event_log.sql"), sharedScript());
        String url = freshDatabase();
        flyway(url, "filesystem:" + dir).load().migrate();
        Files.delete(dir.resolve("V1__event_log.sql"));

        FluentConfiguration wrong = flyway(url, "filesystem:" + dir);
        new EventLogMigration("0.1").customize(wrong);
        assertThatThrownBy(() -> wrong.load().validate()).hasMessageContaining("not applied to database: 0.1");
    }

    @Test
    void aVersionThatIsNotOneIsRefusedAtStart() {
        assertThatThrownBy(() -> new EventLogMigration("v1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fabric.event-log.migration-version");
        assertThat(new EventLogMigration("0.1").scriptName()).isEqualTo("V0_1__event_log.sql");
    }
}
