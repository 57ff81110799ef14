package org.svafabric.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * A service killed with {@code kill -9} right after a commit keeps it: each service's own H2 URL (from its
 * configuration, the data directory in a temporary one) is written by a child JVM that commits one row and halts
 * at once, and the row is there when the database is opened again. H2's default keeps commits in memory for up to a
 * second (its MVStore writes them in the background), so without {@code WRITE_DELAY=0} the row is gone: a VFIO
 * container closed, or a job-number block reserved, just before the kill came back after it.
 */
class H2DurabilityTest {

    @TempDir
    Path data;

    @ParameterizedTest
    @ValueSource(strings = {"mm-service", "iommu-service", "device-service", "gateway"})
    void aCommitRightBeforeAKillSurvivesIt(String service) throws Exception {
        String url = configuredUrl(service).replace("${fabric.data-dir:./data}", data.toString());
        Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Writer.class.getName(), url)
                .redirectErrorStream(true).start();
        assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("the writer ends").isTrue();
        String out = new String(writer.getInputStream().readAllBytes());
        assertThat(writer.exitValue()).as("halted after its commit: " + out).isEqualTo(9);
        try (Connection c = DriverManager.getConnection(url); ResultSet r = c.createStatement().executeQuery("select count(*) from kept")) {
            r.next();
            assertThat(r.getInt(1)).as(service + "'s H2 URL " + url + " kept the commit made just before the kill").isEqualTo(1);
        }
    }

    @SuppressWarnings("unchecked")
    private static String configuredUrl(String service) throws Exception {
        Path yml = Repo.ROOT.resolve(service).resolve("src/main/resources").resolve(service + ".yml");
        Map<String, Object> doc = new Yaml().load(Files.readString(yml));
        Map<String, Object> spring = (Map<String, Object>) doc.get("spring");
        Map<String, Object> ds = (Map<String, Object>) spring.get("datasource");
        return (String) ds.get("url");
    }

    /** The child: one committed row, then the JVM stops as {@code kill -9} stops it (no shutdown hooks, no close). */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            Connection c = DriverManager.getConnection(args[0]);
            c.createStatement().execute("create table kept (id int)");
            Thread.sleep(1500); // past the table's own background write
            c.createStatement().execute("insert into kept values (1)");
            Runtime.getRuntime().halt(9);
        }
    }
}
