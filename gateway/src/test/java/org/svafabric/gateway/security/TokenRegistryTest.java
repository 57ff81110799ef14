package org.svafabric.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TokenRegistryTest {

    @Test
    void sha256OfAKnownStringMatchesTheStandardDigest() {
        // FIPS 180-2 test vector "abc".
        assertThat(TokenRegistry.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aTokenConfiguredByItsHashAuthenticatesWithThePlainToken() {
        TokenRegistry r = new TokenRegistry(new SecurityProperties(List.of(
                new SecurityProperties.Token("ops", null, TokenRegistry.sha256("s3cret"), 1000L, List.of("ptrace")))));
        Caller c = r.authenticate("s3cret").orElseThrow();
        assertThat(c.uid()).isEqualTo(1000);
        assertThat(c.isAdmin()).isFalse();
        assertThat(c.mayTrace(1001)).isTrue();
        assertThat(c.owns(1001)).isFalse();
        assertThat(r.authenticate("S3cret")).isEmpty();
        assertThat(r.authenticate(TokenRegistry.sha256("s3cret"))).as("the hash itself is not a token").isEmpty();
    }

    @Test
    void plainTokensAreHashedAndAdminOwnsEveryUid() {
        TokenRegistry r = new TokenRegistry(new SecurityProperties(List.of(
                new SecurityProperties.Token(null, "root-token", null, 0L, List.of("admin")))));
        Caller c = r.authenticate("root-token").orElseThrow();
        assertThat(c.owns(4242)).isTrue();
        assertThat(c.mayTrace(4242)).isTrue();
    }

    @Test
    void aTokenWithoutUidIsAConfigurationError() {
        assertThatThrownBy(() -> new TokenRegistry(new SecurityProperties(List.of(
                new SecurityProperties.Token("x", "t", null, null, null)))))
                .hasMessageContaining("tokens[0]");
    }
}
