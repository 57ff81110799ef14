package org.svafabric.api.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the fabric's services are and how they trust each other.
 *
 * @param serviceToken the credential every internal call carries in {@value ServiceCredentialFilter#HEADER};
 *                     internal services refuse calls without it
 * @param services     base URLs of the four services
 * @param timeouts     connect and read timeouts of service-to-service calls
 */
@ConfigurationProperties("fabric")
public record FabricProperties(String serviceToken, Services services, Timeouts timeouts) {

    public FabricProperties {
        if (services == null) {
            services = new Services(null, null, null, null);
        }
        if (timeouts == null) {
            timeouts = new Timeouts(null, null);
        }
    }

    public record Services(String mm, String iommu, String device, String gateway) {
        public Services {
            mm = mm == null ? "http://127.0.0.1:8081" : mm;
            iommu = iommu == null ? "http://127.0.0.1:8082" : iommu;
            device = device == null ? "http://127.0.0.1:8083" : device;
            gateway = gateway == null ? "http://127.0.0.1:8080" : gateway;
        }
    }

    public record Timeouts(Duration connect, Duration read) {
        public Timeouts {
            connect = connect == null ? Duration.ofSeconds(2) : connect;
            read = read == null ? Duration.ofSeconds(30) : read;
        }
    }
}
