package org.svafabric.gateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.svafabric.api.web.ServiceCredentialFilter;

/**
 * Every /api/v1 request carries {@code Authorization: Bearer <token>}; without a known one: 401.
 * The gateway's /internal/ paths (its own event log) answer only the fabric's service credential
 * or an admin token: they are not part of the public API.
 */
public class BearerTokenFilter extends OncePerRequestFilter {
    public static final String CALLER = Caller.class.getName();

    private final TokenRegistry tokens;
    private final byte[] serviceToken;

    public BearerTokenFilter(TokenRegistry tokens, String serviceToken) {
        this.tokens = tokens;
        this.serviceToken = serviceToken == null || serviceToken.isBlank() ? null : serviceToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/api/") && !path.startsWith("/internal/");
    }

    /** The caller of a request, when it has a known bearer token. */
    public Optional<Caller> caller(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return tokens.authenticate(header.substring(7).trim());
        }
        return Optional.empty();
    }

    private boolean holdsServiceCredential(HttpServletRequest request) {
        String got = request.getHeader(ServiceCredentialFilter.HEADER);
        return serviceToken != null && got != null && MessageDigest.isEqual(serviceToken, got.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        boolean internal = request.getRequestURI().startsWith("/internal/");
        if (internal && holdsServiceCredential(request)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<Caller> caller = caller(request);
        if (caller.isEmpty()) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"sva-fabric\"");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8);
            String detail = header == null ? "missing Authorization: Bearer <token> (./fabric up prints a demo token)"
                    : "the bearer token is not known";
            response.getWriter().write("{\"type\":\"https://sva-fabric.dev/problems/unauthenticated\",\"title\":\"Unauthenticated\","
                    + "\"status\":401,\"detail\":\"" + detail + "\",\"errno\":\"EACCES\"}");
            return;
        }
        if (internal && !caller.get().isAdmin()) {
            response.setStatus(403);
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8);
            response.getWriter().write("{\"type\":\"https://sva-fabric.dev/problems/not-permitted\",\"title\":\"Not permitted\","
                    + "\"status\":403,\"detail\":\"/internal/ paths are for the fabric's services and admin tokens; use /api/v1\","
                    + "\"errno\":\"EPERM\"}");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }
}
