package org.svafabric.mm.events;

import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.HandlerMapping;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.error.Problems;

/**
 * Records an OOM event whenever a request failed because RAM had no free frame (the allocator's
 * {@code out-of-memory} problem), then answers the problem as usual. Ahead of the fabric's
 * {@code ProblemAdvice}, for that one problem only.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class OomReporter {
    static final String SLUG = "out-of-memory";
    private final MmEvents events;

    public OomReporter(MmEvents events) {
        this.events = events;
    }

    @ExceptionHandler(ErrnoException.class)
    public ResponseEntity<ProblemDetail> errno(ErrnoException e, HttpServletRequest request) {
        if (SLUG.equals(e.slug())) {
            events.outOfMemory(pidOf(request), request.getMethod() + " " + request.getRequestURI() + ": " + e.getMessage());
        }
        ProblemDetail pd = Problems.of(e);
        return ResponseEntity.status(pd.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    private static Long pidOf(HttpServletRequest request) {
        Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (vars instanceof Map<?, ?> m && m.get("pid") instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
