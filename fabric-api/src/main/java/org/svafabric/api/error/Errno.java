package org.svafabric.api.error;

import org.springframework.http.HttpStatus;

/**
 * The kernel error numbers the fabric reports, each with the HTTP status a REST caller sees.
 * The problem {@code type} URI is derived from the problem's slug, not from the errno, so that
 * two different problems with the same errno stay distinguishable.
 */
public enum Errno {
    EPERM(1, HttpStatus.FORBIDDEN),
    ENOENT(2, HttpStatus.NOT_FOUND),
    ESRCH(3, HttpStatus.NOT_FOUND),
    EINTR(4, HttpStatus.SERVICE_UNAVAILABLE),
    EIO(5, HttpStatus.BAD_GATEWAY),
    E2BIG(7, HttpStatus.CONTENT_TOO_LARGE),
    EAGAIN(11, HttpStatus.SERVICE_UNAVAILABLE),
    ENOMEM(12, HttpStatus.CONFLICT),
    EACCES(13, HttpStatus.FORBIDDEN),
    EFAULT(14, HttpStatus.BAD_REQUEST),
    EBUSY(16, HttpStatus.CONFLICT),
    EEXIST(17, HttpStatus.CONFLICT),
    ENODEV(19, HttpStatus.NOT_FOUND),
    EINVAL(22, HttpStatus.BAD_REQUEST),
    ENOSPC(28, HttpStatus.CONFLICT),
    ERANGE(34, HttpStatus.BAD_REQUEST),
    ENOSYS(38, HttpStatus.NOT_IMPLEMENTED),
    ETIMEDOUT(110, HttpStatus.GATEWAY_TIMEOUT),
    ECANCELED(125, HttpStatus.CONFLICT);

    private final int number;
    private final HttpStatus status;

    Errno(int number, HttpStatus status) {
        this.number = number;
        this.status = status;
    }

    public int number() {
        return number;
    }

    public HttpStatus status() {
        return status;
    }
}
