package org.svafabric.api.web;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.error.Problems;
import org.svafabric.api.wire.Headers;

import tools.jackson.databind.json.JsonMapper;

/**
 * Problem answers for a handler that runs below Spring MVC (a plain servlet on a hot path): the same RFC 9457
 * document {@link ProblemAdvice} answers through MVC — type, title, status, detail, instance, errno and the
 * problem's own members — and the same {@code Retry-After}.
 */
public final class ServletProblems {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ServletProblems() {
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, ErrnoException e) throws IOException {
        Long retryAfter = ProblemAdvice.retryAfterSeconds(e);
        if (retryAfter != null) {
            response.setHeader(Headers.RETRY_AFTER, Long.toString(retryAfter));
        }
        write(request, response, Problems.of(e));
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail pd) throws IOException {
        byte[] body = document(request, pd);
        response.setStatus(pd.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** The problem's RFC 9457 document, as {@link ProblemAdvice} renders it. */
    static byte[] document(HttpServletRequest request, ProblemDetail pd) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("type", pd.getType().toString());
        doc.put("title", pd.getTitle());
        doc.put("status", pd.getStatus());
        doc.put("detail", pd.getDetail());
        doc.put("instance", pd.getInstance() != null ? pd.getInstance().toString() : request.getRequestURI());
        if (pd.getProperties() != null) {
            doc.putAll(pd.getProperties());
        }
        return JSON.writeValueAsBytes(doc);
    }
}
