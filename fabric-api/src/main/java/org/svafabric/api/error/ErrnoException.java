package org.svafabric.api.error;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/**
 * A failure the caller should see as an RFC 9457 problem carrying a kernel errno. {@code slug}
 * names the problem type ({@code https://sva-fabric.dev/problems/<slug>}); the status defaults
 * to the errno's. {@link #retryAfterSeconds()} is set on a failure that will pass (a service of the
 * fabric not answering): the answer then carries a {@code Retry-After} header.
 */
public class ErrnoException extends RuntimeException {
    private final Errno errno;
    private final String slug;
    private final HttpStatusCode status;
    private final Long retryAfterSeconds;

    public ErrnoException(Errno errno, String slug, String detail) {
        this(errno, slug, errno.status(), detail);
    }

    public ErrnoException(Errno errno, String slug, HttpStatusCode status, String detail) {
        this(errno, slug, status, detail, null);
    }

    public ErrnoException(Errno errno, String slug, HttpStatusCode status, String detail, Long retryAfterSeconds) {
        super(detail);
        this.errno = errno;
        this.slug = slug;
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Errno errno() {
        return errno;
    }

    public String slug() {
        return slug;
    }

    public HttpStatusCode status() {
        return status;
    }

    /** Seconds after which the call may succeed again, or null when retrying will not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Adds this problem's own members (beyond type, title, status, detail, errno) to its document. */
    protected void addProperties(ProblemDetail problem) {
    }

    public static ErrnoException invalid(String detail) {
        return new ErrnoException(Errno.EINVAL, "invalid-argument", detail);
    }

    public static ErrnoException noProcess(long pid) {
        return new ErrnoException(Errno.ESRCH, "no-such-process", "no process with pid " + pid);
    }
}
