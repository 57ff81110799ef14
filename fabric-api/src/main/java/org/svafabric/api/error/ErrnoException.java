package org.svafabric.api.error;

import org.springframework.http.HttpStatusCode;

/**
 * A failure the caller should see as an RFC 9457 problem carrying a kernel errno. {@code slug}
 * names the problem type ({@code https://sva-fabric.dev/problems/<slug>}); the status defaults
 * to the errno's.
 */
public class ErrnoException extends RuntimeException {
    private final Errno errno;
    private final String slug;
    private final HttpStatusCode status;

    public ErrnoException(Errno errno, String slug, String detail) {
        this(errno, slug, errno.status(), detail);
    }

    public ErrnoException(Errno errno, String slug, HttpStatusCode status, String detail) {
        super(detail);
        this.errno = errno;
        this.slug = slug;
        this.status = status;
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

    public static ErrnoException invalid(String detail) {
        return new ErrnoException(Errno.EINVAL, "invalid-argument", detail);
    }

    public static ErrnoException noProcess(long pid) {
        return new ErrnoException(Errno.ESRCH, "no-such-process", "no process with pid " + pid);
    }
}
