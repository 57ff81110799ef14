package org.svafabric.device.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import org.svafabric.device.engine.JobNumbers;

/**
 * The job-number blocks in a real database, with the service's own migration: on H2 (the default) and on the
 * PostgreSQL at 127.0.0.1:5432 that CI makes sure runs (database {@code test}, a schema of its own, dropped after).
 */
class JdbcJobNumberBlocksTest {
    private final String schema = "jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private JdbcTemplate postgres;

    private static JdbcTemplate migrated(JdbcTemplate jdbc) throws IOException {
        try (InputStream in = JdbcJobNumberBlocksTest.class.getResourceAsStream("/db/migration/device/V3__job_id_block.sql")) {
            assertThat(in).as("the migration").isNotNull();
            jdbc.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        return jdbc;
    }

    private static JdbcJobNumberBlocks blocks(JdbcTemplate jdbc, String prefix) {
        return new JdbcJobNumberBlocks(jdbc, new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource())), prefix);
    }

    private static void everyBootGetsNewNumbers(JdbcTemplate jdbc) {
        JobNumbers first = JobNumbers.blocks(blocks(jdbc, "j-"), 1000);
        assertThat(first.next()).isEqualTo(1);
        JobNumbers second = JobNumbers.blocks(blocks(jdbc, "j-"), 1000);
        assertThat(second.next()).isEqualTo(1001);
        JobNumbers otherShard = JobNumbers.blocks(blocks(jdbc, "j1-"), 1000);
        assertThat(otherShard.next()).as("a shard sharing the database has its own row").isEqualTo(1);
        assertThat(jdbc.queryForObject("select next_block from job_id_block where prefix = 'j-'", Long.class)).isEqualTo(2);
    }

    @Test
    void onH2() throws IOException {
        DriverManagerDataSource ds = new DriverManagerDataSource("jdbc:h2:mem:" + schema + ";DB_CLOSE_DELAY=-1");
        everyBootGetsNewNumbers(migrated(new JdbcTemplate(ds)));
    }

    @Test
    void onPostgreSql() throws IOException {
        String url = "jdbc:postgresql://127.0.0.1:5432/test";
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.createStatement().execute("create schema " + schema);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL must be reachable at " + url + " (user postgres, trust auth) for this test: "
                    + e.getMessage(), e);
        }
        postgres = new JdbcTemplate(new DriverManagerDataSource(url + "?currentSchema=" + schema, "postgres", ""));
        everyBootGetsNewNumbers(migrated(postgres));
    }

    @AfterEach
    void dropSchema() {
        if (postgres != null) {
            postgres.execute("drop schema " + schema + " cascade");
        }
    }
}
