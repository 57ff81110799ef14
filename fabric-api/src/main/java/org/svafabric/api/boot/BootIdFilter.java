package org.svafabric.api.boot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;
import org.svafabric.api.web.ServiceCredentialFilter;

/**
 * Every answer carries this boot's id; a call from a peer service tells this one the peer's boot id before it
 * is handled (see {@link PeerBoots}). Only calls that hold the service credential are believed: anyone else
 * could otherwise make a service reset by sending a made-up boot id.
 */
public final class BootIdFilter extends OncePerRequestFilter {
    private final BootId self;
    private final PeerBoots peers;
    private final byte[] credential;

    public BootIdFilter(BootId self, PeerBoots peers, String serviceToken) {
        this.self = self;
        this.peers = peers;
        this.credential = serviceToken == null || serviceToken.isBlank() ? null : serviceToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader(BootId.HEADER, self.id());
        String peer = request.getHeader(BootId.SERVICE_HEADER);
        String boot = request.getHeader(BootId.HEADER);
        if (peer != null && boot != null && trusted(request.getHeader(ServiceCredentialFilter.HEADER))) {
            peers.observe(peer, boot);
        }
        chain.doFilter(request, response);
    }

    private boolean trusted(String token) {
        return credential != null && token != null && MessageDigest.isEqual(credential, token.getBytes(StandardCharsets.UTF_8));
    }
}
