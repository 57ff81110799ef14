package org.svafabric.api.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.svafabric.api.client.ServiceClients;

/** What every fabric service shares: problem+json errors, the service credential, service clients. */
@AutoConfiguration
@EnableConfigurationProperties(FabricProperties.class)
public class FabricWebAutoConfiguration {

    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnMissingBean
    ProblemAdvice problemAdvice() {
        return new ProblemAdvice();
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceClients serviceClients(FabricProperties props) {
        return new ServiceClients(props);
    }

    /** Internal services (not the gateway) set {@code fabric.require-service-token=true}. */
    @Bean
    @ConditionalOnWebApplication
    @ConditionalOnProperty(name = "fabric.require-service-token", havingValue = "true")
    FilterRegistrationBean<ServiceCredentialFilter> serviceCredentialFilter(FabricProperties props) {
        if (props.serviceToken() == null || props.serviceToken().isBlank()) {
            throw new IllegalStateException("fabric.require-service-token is set but fabric.service-token is empty");
        }
        FilterRegistrationBean<ServiceCredentialFilter> reg = new FilterRegistrationBean<>(new ServiceCredentialFilter(props.serviceToken()));
        reg.setOrder(-100);
        return reg;
    }
}
