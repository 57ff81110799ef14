package org.svafabric.mm;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class MmServiceApplication {
    /** Configuration lives in {@code mm-service.yml}, not application.yml, so that all four services can share one JVM (e2e tests). */
    public static final String CONFIG_NAME = "spring.config.name=mm-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(MmServiceApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
