package org.svafabric.api.web;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * Where the fabric's services are and how they trust each other.
 *
 * @param serviceToken the credential every internal call carries in {@value ServiceCredentialFilter#HEADER};
 *                     internal services refuse calls without it
 * @param services     base URLs of the four services (and of every device-service shard)
 * @param timeouts     connect and read timeouts of service-to-service calls
 */
@ConfigurationProperties("fabric")
public record FabricProperties(String serviceToken, Services services, Timeouts timeouts) {

    public FabricProperties {
        if (services == null) {
            services = new Services(null, null, null, null, null);
        }
        if (timeouts == null) {
            timeouts = new Timeouts(null, null);
        }
    }

    /**
     * @param deviceShards comma-separated base URLs of the device-service instances in shard order
     *                     ({@code fabric.services.device-shards}, env {@code FABRIC_DEVICE_URLS}); empty: one shard, at
     *                     {@code device}
     */
    public record Services(String mm, String iommu, String device, String gateway, String deviceShards) {
        /** The one Spring binds (the record has a shorter one too). */
        @ConstructorBinding
        public Services {
            mm = mm == null ? "http://127.0.0.1:8081" : mm;
            iommu = iommu == null ? "http://127.0.0.1:8082" : iommu;
            device = device == null ? "http://127.0.0.1:8083" : device;
            gateway = gateway == null ? "http://127.0.0.1:8080" : gateway;
            deviceShards = deviceShards == null ? "" : deviceShards;
        }

        public Services(String mm, String iommu, String device, String gateway) {
            this(mm, iommu, device, gateway, null);
        }

        /** The base URL of each device-service shard, in shard order (at least one: {@code device} alone). */
        public java.util.List<String> deviceUrls() {
            java.util.List<String> out = new java.util.ArrayList<>();
            for (String u : deviceShards.split(",")) {
                String t = u.trim();
                while (t.endsWith("/")) {
                    t = t.substring(0, t.length() - 1);
                }
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
            return out.isEmpty() ? java.util.List.of(device) : java.util.List.copyOf(out);
        }
    }

    public record Timeouts(Duration connect, Duration read) {
        public Timeouts {
            connect = connect == null ? Duration.ofSeconds(2) : connect;
            read = read == null ? Duration.ofSeconds(30) : read;
        }
    }
}
