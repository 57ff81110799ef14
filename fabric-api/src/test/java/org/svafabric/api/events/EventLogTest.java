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
            assertThat(all).extracting(FabricEvent::seq).containsExactly(1L, 2L, 3L);
            assertThat(all.get(0).service()).isEqualTo("iommu-service");
            assertThat(all.get(0).addr()).isEqualTo("0x7f0000001000");
            assertThat(log.query(0, null, null, 1, null, null, 10)).hasSize(2);
            assertThat(log.query(0, "BIND", null, null, null, null, 10)).extracting(FabricEvent::pid).containsExactly(43L);
            assertThat(log.query(2, null, null, null, null, null, 10)).extracting(FabricEvent::seq).containsExactly(3L);
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
            assertThat(again.query(0, null, null, null, null, null, 10)).extracting(FabricEvent::seq).containsExactly(3L, 4L, 5L);
            assertThat(again.emit(FabricEvent.of("TLBI", null, null, null, null, null, null)).seq()).isEqualTo(6L);
        }
    }

    @Test
    void idsNameTheServiceSoThatTheyNeverCollideInAMergedTimeline() {
        try (EventLog log = started(10)) {
            FabricEvent e = log.emit(FabricEvent.of("BIND", "smmute0", 16, 2, 43L, null, null));
            assertThat(e.id()).isEqualTo("iommu-service:1");
            assertThat(e.seq()).isEqualTo(1L);
        }
    }

    @Test
    void theNewestWindowIsTheLastPageNotTheFirst() {
        try (EventLog log = started(100)) {
            for (int i = 0; i < 30; i++) {
                log.emit(FabricEvent.of(i % 3 == 0 ? "BIND" : "TLBI", null, null, i % 2, null, null, null));
            }
            EventLog.Window all = log.newest(null, null, null, null, null, 5);
            assertThat(all.events()).extracting(FabricEvent::seq).containsExactly(26L, 27L, 28L, 29L, 30L);
            assertThat(all.total()).isEqualTo(30);
            EventLog.Window binds = log.newest("BIND", null, null, null, null, 2);
            assertThat(binds.events()).extracting(FabricEvent::seq).containsExactly(25L, 28L);
            assertThat(binds.total()).isEqualTo(10);
            assertThat(log.lastSeq()).isEqualTo(30);
        }
    }

    @Test
    void everyEmittedEventIsCountedByType() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (EventLog log = new EventLog("mm-service", null, meters, 10)) {
            log.emit(FabricEvent.of("MMAP", null, null, null, 7L, null, null));
            log.emit(FabricEvent.of("MMAP", null, null, null, 7L, null, null));
            log.emit(FabricEvent.of("OOM", null, null, null, 7L, null, null));
            assertThat(meters.get("fabric.events").tag("type", "MMAP").counter().count()).isEqualTo(2);
            assertThat(meters.get("fabric.events").tag("type", "OOM").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void onlyTheMostRecentEventsAreRetainedInMemory() {
        try (EventLog log = started(2)) {
            for (int i = 0; i < 4; i++) {
                log.emit(FabricEvent.of("ATC_INV", null, null, null, null, null, null));
            }
            assertThat(log.query(0, null, null, null, null, null, 10)).extracting(FabricEvent::seq).containsExactly(3L, 4L);
        }
    }
}
