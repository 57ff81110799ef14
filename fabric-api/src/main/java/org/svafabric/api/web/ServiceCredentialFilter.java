package org.svafabric.api.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.svafabric.api.wire.Headers;

/**
 * Internal services answer only callers that hold the fabric's service credential, so nobody
 * goes around the gateway. Health stays open for orchestration (compose healthchecks,
 * {@code ./fabric status}).
 */
public class ServiceCredentialFilter extends OncePerRequestFilter {
    /** The credential's header (defined in {@link Headers}). */
    public static final String HEADER = Headers.SERVICE_TOKEN;

    private final byte[] expected;

    public ServiceCredentialFilter(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String got = request.getHeader(HEADER);
        String auth = request.getHeader("Authorization");
        if (got == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // Prometheus and other scrapers can send the credential as a bearer token.
            got = auth.substring(7).trim();
        }
        if (got != null && MessageDigest.isEqual(expected, got.getBytes(StandardCharsets.UTF_8))) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(401);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(java.nio.charset.StandardCharsets.UTF_8);
        response.getWriter().write("{\"type\":\"https://sva-fabric.dev/problems/service-credential-required\","
                + "\"title\":\"Service credential required\",\"status\":401,"
                + "\"detail\":\"internal services answer only the fabric's services; use the gateway\",\"errno\":\"EPERM\"}");
    }
}
