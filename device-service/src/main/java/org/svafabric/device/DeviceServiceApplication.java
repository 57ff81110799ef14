package org.svafabric.device;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.svafabric.api.threads.CommonPool;

@SpringBootApplication
public class DeviceServiceApplication {
    static {
        // Before anything touches CompletableFuture: see CommonPool (a thread per service call otherwise, on 2 cores).
        CommonPool.ensureParallel();
    }

    /** Configuration lives in {@code device-service.yml}, not application.yml, so that all four services can share one JVM (e2e tests). */
    public static final String CONFIG_NAME = "spring.config.name=device-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(DeviceServiceApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
