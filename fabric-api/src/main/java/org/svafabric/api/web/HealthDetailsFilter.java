package org.svafabric.api.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Health is public as {@code {"status":"UP"}} ({@code ./fabric}, CI and compose poll it), but its
 * details (disk paths, database, components) only for the fabric's service credential or a
 * caller a {@link HealthAuthorizer} accepts (the gateway: an admin token). The actuator shows
 * details "when authorized", i.e. to a request with a principal; this filter gives the request
 * one only for those callers.
 */
public class HealthDetailsFilter extends OncePerRequestFilter {
    /** Says whether a caller other than a fabric service may see health details. */
    @FunctionalInterface
    public interface HealthAuthorizer {
        boolean mayReadDetails(HttpServletRequest request);
    }

    private final byte[] serviceToken;
    private final List<HealthAuthorizer> others;

    public HealthDetailsFilter(String serviceToken, List<HealthAuthorizer> others) {
        this.serviceToken = serviceToken == null ? new byte[0] : serviceToken.getBytes(StandardCharsets.UTF_8);
        this.others = List.copyOf(others);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.equals("/actuator/health") || path.startsWith("/actuator/health/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // Whatever the container says, only the fabric decides who is authorized here.
        String who = holdsServiceCredential(request) ? "fabric-service"
                : others.stream().anyMatch(a -> a.mayReadDetails(request)) ? "fabric-admin" : null;
        chain.doFilter(new HttpServletRequestWrapper(request) {
            @Override
            public Principal getUserPrincipal() {
                return who == null ? null : () -> who;
            }

            @Override
            public boolean isUserInRole(String role) {
                return who != null;
            }

            @Override
            public String getRemoteUser() {
                return who;
            }
        }, response);
    }

    private boolean holdsServiceCredential(HttpServletRequest request) {
        if (serviceToken.length == 0) {
            return false;
        }
        String got = request.getHeader(ServiceCredentialFilter.HEADER);
        String auth = request.getHeader("Authorization");
        if (got == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            got = auth.substring(7).trim();
        }
        return got != null && MessageDigest.isEqual(serviceToken, got.getBytes(StandardCharsets.UTF_8));
    }
}
