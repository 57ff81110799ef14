package org.svafabric.api.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The services' addresses bind as configured, device-service's shards included (fabric.services.device-shards). */
class FabricPropertiesTest {

    private static FabricProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props)).bind("fabric", FabricProperties.class).get();
    }

    @Test
    void withoutShardsTheOneDeviceServiceIsTheOnlyShard() {
        FabricProperties p = bind(Map.of("fabric.services.device", "http://d:1", "fabric.services.device-shards", ""));
        assertThat(p.services().device()).isEqualTo("http://d:1");
        assertThat(p.services().deviceUrls()).containsExactly("http://d:1");
    }

    @Test
    void deviceShardsAreListedInShardOrder() {
        FabricProperties p = bind(Map.of("fabric.services.mm", "http://m:1",
                "fabric.services.device-shards", " http://a:1/, http://b:2 ,"));
        assertThat(p.services().mm()).isEqualTo("http://m:1");
        assertThat(p.services().deviceUrls()).containsExactly("http://a:1", "http://b:2");
    }
}
