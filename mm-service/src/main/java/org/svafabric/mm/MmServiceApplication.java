package org.svafabric.mm;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.svafabric.api.threads.CommonPool;

@SpringBootApplication
public class MmServiceApplication {
    static {
        // Before anything touches CompletableFuture: see CommonPool (a thread per service call otherwise, on 2 cores).
        CommonPool.ensureParallel();
    }

    /** Configuration lives in {@code mm-service.yml}, not application.yml, so that all four services can share one JVM (e2e tests). */
    public static final String CONFIG_NAME = "spring.config.name=mm-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MmServiceApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
