package org.svafabric.device;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;

@SpringBootApplication
public class DeviceServiceApplication {
    /** Configuration lives in {@code device-service.yml}, not application.yml, so that all four services can share one JVM (e2e tests). */
    public static final String CONFIG_NAME = "spring.config.name=device-service";

    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(DeviceServiceApplication.class).properties(CONFIG_NAME);
    }

    public static void main(String[] args) {
        builder().run(args);
    }
}
