package org.svafabric.mm.process.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.svafabric.mm.MmServiceApplication;

/**
 * The same suite on the real PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth), schema
 * {@code mm} through the postgres profile and Flyway. CI guarantees the database, so an
 * unreachable one fails this test; it is never skipped.
 *
 * <p>Booting mm-service marks the processes it finds alive in the schema LOST, as every start
 * does: do not point a test run at a database a running fabric uses.
 */
@SpringBootTest(classes = MmServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.config.name=mm-service",
        "mm.ram.size=16MB"})
@ActiveProfiles("postgres")
class PostgresProcessJournalTest extends ProcessJournalContract {

    @BeforeAll
    static void postgresIsThere() {
        String url = "jdbc:postgresql://127.0.0.1:5432/postgres";
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            if (!c.isValid(5)) {
                throw new AssertionError("PostgreSQL at " + url + " answered but is not usable");
            }
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL must be reachable at " + url + " (user postgres, trust auth) for this test: "
                    + e.getMessage(), e);
        }
    }
}
