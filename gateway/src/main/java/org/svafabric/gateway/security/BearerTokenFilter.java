package org.svafabric.gateway.security;

import java.io.IOException;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/** Every /api/v1 request carries {@code Authorization: Bearer <token>}; without a known one: 401. */
public class BearerTokenFilter extends OncePerRequestFilter {
    public static final String CALLER = Caller.class.getName();

    private final TokenRegistry tokens;

    public BearerTokenFilter(TokenRegistry tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        Optional<Caller> caller = Optional.empty();
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            caller = tokens.authenticate(header.substring(7).trim());
        }
        if (caller.isEmpty()) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"sva-fabric\"");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            String detail = header == null ? "missing Authorization: Bearer <token> (./fabric up prints a demo token)"
                    : "the bearer token is not known";
            response.getWriter().write("{\"type\":\"https://sva-fabric.dev/problems/unauthenticated\",\"title\":\"Unauthenticated\","
                    + "\"status\":401,\"detail\":\"" + detail + "\",\"errno\":\"EACCES\"}");
            return;
        }
        request.setAttribute(CALLER, caller.get());
        chain.doFilter(request, response);
    }
}
