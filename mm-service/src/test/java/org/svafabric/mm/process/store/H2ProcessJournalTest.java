package org.svafabric.mm.process.store;

import org.springframework.boot.test.context.SpringBootTest;
import org.svafabric.mm.MmServiceApplication;

/** The journal on the default database, H2 (in memory here), schema by Flyway, validated by Hibernate. */
@SpringBootTest(classes = MmServiceApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "spring.config.name=mm-service",
        "spring.datasource.url=jdbc:h2:mem:mm-journal;DB_CLOSE_DELAY=-1",
        "mm.ram.size=16MB"})
class H2ProcessJournalTest extends ProcessJournalContract {
}
