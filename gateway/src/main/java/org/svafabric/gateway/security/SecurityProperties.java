package org.svafabric.gateway.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The gateway's bearer tokens. Configure each by its SHA-256 ({@code sha256}, hex), so that the
 * configuration holds no usable secret; {@code token} (plain text) is accepted for tests and
 * hashed at start-up, never kept.
 */
@ConfigurationProperties("fabric.security")
public record SecurityProperties(List<Token> tokens) {

    public SecurityProperties {
        tokens = tokens == null ? List.of() : tokens;
    }

    public record Token(String name, String token, String sha256, Long uid, List<String> roles) {
    }
}
