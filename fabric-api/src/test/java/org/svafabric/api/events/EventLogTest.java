package org.svafabric.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class EventLogTest {
    private JdbcTemplate jdbc;

    @BeforeEach
    void database() {
        jdbc = new JdbcTemplate(new DriverManagerDataSource("jdbc:h2:mem:events-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", ""));
        jdbc.execute("create table event_log (id bigint primary key, time timestamp(6) with time zone not null, type varchar(40) not null,"
                + " device varchar(64), sid integer, pasid integer, pid bigint, addr bigint, detail varchar(1000))");
    }

    private EventLog started(int retained) {
        EventLog log = new EventLog("iommu-service", jdbc, new SimpleMeterRegistry(), retained);
        log.afterSingletonsInstantiated();
        return log;
    }

    @Test
    void eventsAreStampedFilteredAndPersistedInTheBackground() throws Exception {
        try (EventLog log = started(100)) {
            log.emit(FabricEvent.of("PRI_REQUEST", "0000:01:00.0", 256, 1, 42L, 0x7f0000001000L, "RnW=0 Last=1"));
            log.emit(FabricEvent.of("PRI_RESPONSE", "0000:01:00.0", 256, 1, 42L, null, "SUCCESS"));
            log.emit(FabricEvent.of("BIND", "smmute0", 16, 2, 43L, null, null));

            List<FabricEvent> all = log.query(0, null, null, null, null, null, 10);
            assertThat(all).extracting(FabricEvent::id).containsExactly(1L, 2L, 3L);
            assertThat(all.get(0).service()).isEqualTo("iommu-service");
            assertThat(all.get(0).addr()).isEqualTo("0x7f0000001000");
            assertThat(log.query(0, null, null, 1, null, null, 10)).hasSize(2);
            assertThat(log.query(0, "BIND", null, null, null, null, 10)).extracting(FabricEvent::pid).containsExactly(43L);
            assertThat(log.query(2, null, null, null, null, null, 10)).extracting(FabricEvent::id).containsExactly(3L);
            assertThat(log.query(0, null, null, null, null, Instant.now().plus(Duration.ofHours(1)), 10)).isEmpty();
        }
        assertThat(jdbc.queryForObject("select count(*) from event_log", Integer.class)).isEqualTo(3);
    }

    @Test
    void aRestartedLogContinuesTheIdsAndShowsTheNewestPersistedEvents() {
        try (EventLog log = started(100)) {
            for (int i = 0; i < 5; i++) {
                log.emit(FabricEvent.of("TLBI", null, null, null, null, (long) i << 12, null));
            }
        }
        try (EventLog again = started(3)) {
            assertThat(again.query(0, null, null, null, null, null, 10)).extracting(FabricEvent::id).containsExactly(3L, 4L, 5L);
            assertThat(again.emit(FabricEvent.of("TLBI", null, null, null, null, null, null)).id()).isEqualTo(6L);
        }
    }

    @Test
    void onlyTheMostRecentEventsAreRetainedInMemory() {
        try (EventLog log = started(2)) {
            for (int i = 0; i < 4; i++) {
                log.emit(FabricEvent.of("ATC_INV", null, null, null, null, null, null));
            }
            assertThat(log.query(0, null, null, null, null, null, 10)).extracting(FabricEvent::id).containsExactly(3L, 4L);
        }
    }
}
