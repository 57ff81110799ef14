package org.svafabric.api.web;

import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolationException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;
import org.svafabric.api.client.ServiceGuard;
import org.svafabric.api.error.Problems;
import org.svafabric.api.wire.Headers;

/**
 * Turns every failure into RFC 9457 problem+json with the kernel errno: the fabric's own
 * {@link ErrnoException}s, Spring MVC's request errors (malformed JSON, wrong types, missing
 * parameters: EINVAL) and, last, anything unexpected (500 without a stack trace in the body).
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
public class ProblemAdvice extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);

    @ExceptionHandler(ErrnoException.class)
    public ResponseEntity<ProblemDetail> errno(ErrnoException e) {
        ResponseEntity<ProblemDetail> r = problem(Problems.of(e));
        Long seconds = retryAfterSeconds(e);
        if (seconds != null) {
            return ResponseEntity.status(r.getStatusCode()).headers(r.getHeaders())
                    .header(Headers.RETRY_AFTER, Long.toString(seconds)).body(r.getBody());
        }
        return r;
    }

    /** The answer's {@code Retry-After} for {@code e}, or null for none. */
    static Long retryAfterSeconds(ErrnoException e) {
        if (e.retryAfterSeconds() != null || ServiceGuard.SERVICE_UNAVAILABLE.equals(e.slug())) {
            // A service that is down is usually back within seconds (./fabric up, a restart).
            return e.retryAfterSeconds() != null ? e.retryAfterSeconds() : 2;
        }
        return null;
    }

    @ExceptionHandler({ConstraintViolationException.class, IllegalArgumentException.class})
    public ResponseEntity<ProblemDetail> invalid(Exception e) {
        return problem(Problems.of(HttpStatus.BAD_REQUEST, "invalid-argument", "Invalid argument", e.getMessage(), Errno.EINVAL));
    }

    @ExceptionHandler(Exception.class)
    public ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return problem(Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the service failed unexpectedly; its log has the cause", Errno.EIO));
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        String detail = ex.getBindingResult().getFieldErrors().stream()
                .map(f -> f.getField() + ": " + f.getDefaultMessage())
                .collect(Collectors.joining("; "));
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "invalid-argument", "Invalid argument",
                detail.isEmpty() ? "invalid request body" : detail, Errno.EINVAL);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "malformed-request", "Malformed request",
                RequestErrors.unreadableBody(ex), Errno.EINVAL);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    /** A path variable or query parameter of the wrong type: named, with what was expected, in the API's terms. */
    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status,
                                                        WebRequest request) {
        ProblemDetail pd = Problems.of(HttpStatus.BAD_REQUEST, "invalid-argument", "Invalid argument",
                RequestErrors.typeMismatch(ex), Errno.EINVAL);
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    /** No handler: say which path, not which static resource Spring looked for. */
    @Override
    protected ResponseEntity<Object> handleNoResourceFoundException(NoResourceFoundException ex, HttpHeaders headers,
                                                                    HttpStatusCode status, WebRequest request) {
        ProblemDetail pd = Problems.of(HttpStatus.NOT_FOUND, "not-found", "Not found",
                "no such path: " + ex.getHttpMethod() + " /" + ex.getResourcePath(), Errno.ENOENT);
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }

    /** Spring's own problem bodies (404, 405, 415, type mismatch, ...) get a stable type and an errno too. */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
                                                             HttpStatusCode status, WebRequest request) {
        ResponseEntity<Object> r = super.handleExceptionInternal(ex, body, headers, status, request);
        if (r != null && r.getBody() instanceof ProblemDetail pd) {
            if (pd.getProperties() == null || !pd.getProperties().containsKey("errno")) {
                pd.setProperty("errno", status.value() == 404 ? Errno.ENOENT.name() : Errno.EINVAL.name());
            }
            if (pd.getType() == null || "about:blank".equals(pd.getType().toString())) {
                pd.setType(java.net.URI.create(Problems.TYPE_BASE + (status.value() == 404 ? "not-found" : "bad-request")));
            }
        }
        return r;
    }

    private static ResponseEntity<ProblemDetail> problem(ProblemDetail pd) {
        return ResponseEntity.status(pd.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(pd);
    }
}
