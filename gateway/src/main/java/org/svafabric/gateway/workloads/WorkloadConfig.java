package org.svafabric.gateway.workloads;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration
@EnableConfigurationProperties(WorkloadLimits.class)
class WorkloadConfig {
}
