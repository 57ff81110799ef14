package org.svafabric.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Bearer token -> caller, by the token's SHA-256: only hashes are held in memory. */
public class TokenRegistry {
    private final Map<String, Caller> bySha256 = new HashMap<>();

    public TokenRegistry(SecurityProperties props) {
        int i = 0;
        for (SecurityProperties.Token t : props.tokens()) {
            String hash = t.sha256() != null && !t.sha256().isBlank() ? t.sha256().toLowerCase()
                    : t.token() != null && !t.token().isBlank() ? sha256(t.token()) : null;
            if (hash == null || t.uid() == null || t.uid() < 0) {
                throw new IllegalStateException("fabric.security.tokens[" + i + "] needs a token or sha256 and a uid >= 0");
            }
            Set<String> roles = new LinkedHashSet<>(t.roles() == null ? Set.of() : t.roles());
            bySha256.put(hash, new Caller(t.name() == null ? "token-" + i : t.name(), t.uid(), Set.copyOf(roles)));
            i++;
        }
    }

    public Optional<Caller> authenticate(String bearer) {
        return Optional.ofNullable(bySha256.get(sha256(bearer)));
    }

    public int size() {
        return bySha256.size();
    }

    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
