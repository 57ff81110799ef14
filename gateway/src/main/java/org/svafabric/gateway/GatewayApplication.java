package org.svafabric.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.svafabric.api.threads.CommonPool;

@SpringBootApplication
public class GatewayApplication {
    static {
        // Before anything touches CompletableFuture: see CommonPool (a thread per service call otherwise, on 2 cores).
        CommonPool.ensureParallel();
    }

    /** Configuration lives in {@code gateway.yml}, not application.yml, so that all four services can share one JVM (e2e tests). */
    public static final String CONFIG_NAME = "spring.config.name=gateway";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
