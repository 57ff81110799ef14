package org.svafabric.api.client;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.springframework.http.HttpStatus;
import org.springframework.web.client.ResourceAccessException;
import org.svafabric.api.error.Errno;
import org.svafabric.api.error.ErrnoException;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;

/**
 * The one place where a call to another service of the fabric can fail for reasons of the link rather than of
 * the kernel: a circuit breaker per remote service, and the translation of a service that does not answer into
 * the fabric's 503 problem with {@code Retry-After}.
 *
 * <p>Only connection failures (refused, no connection within the connect timeout) count against a service: a
 * problem answer proves it is there, even when the problem is a 503 it relays from a service further down, and a
 * read timeout only says a call took long. While a breaker is open, callers fail fast, except that a caller first
 * asks the service's health (one at a time): a service that answers it closes the breaker and the call goes
 * through, so the first call after {@code ./fabric up} reports a restarted service healthy succeeds. Without a
 * probe, after {@code openWait} one call tries the service (half-open) and a success closes the breaker.
 */
public final class ServiceGuard {
    public static final Duration DEFAULT_OPEN_WAIT = Duration.ofSeconds(2);
    /** The problem slug of a service that did not answer. */
    public static final String SERVICE_UNAVAILABLE = "service-unavailable";

    private final Duration openWait;
    private final CircuitBreakerConfig config;
    /** One breaker per instance: each device-service shard has its own, so one dead shard does not fail the others. */
    private final Map<Remote, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    /** Why the last call that counted against each service failed ("connection refused"), for the fail-fast detail. */
    private final Map<Remote, String> lastFailure = new ConcurrentHashMap<>();
    /** One health probe per service at a time; the others fail fast meanwhile. */
    private final Map<Remote, AtomicBoolean> probing = new ConcurrentHashMap<>();
    private volatile Function<Remote, String> baseUrls;
    private volatile Predicate<Remote> healthy;

    public ServiceGuard(Duration openWait) {
        this.openWait = openWait;
        this.config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                // More than half: two failures in a row open it, but one refused call and one success (a peer asked
                // a moment before it was up) do not, which at 50 % left the breaker open under the next call.
                .failureRateThreshold(51)
                .waitDurationInOpenState(openWait)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
    }

    public ServiceGuard() {
        this(DEFAULT_OPEN_WAIT);
    }

    public CircuitBreaker breaker(RemoteService service) {
        return breaker(Remote.of(service));
    }

    public CircuitBreaker breaker(Remote remote) {
        return breakers.computeIfAbsent(remote, r -> CircuitBreaker.of(r.peer(), config));
    }

    /** Where each service is, for the problem's detail ("mm-service (RAM, processes) at http://..."). */
    public void baseUrls(Function<Remote, String> baseUrls) {
        this.baseUrls = baseUrls;
    }

    /**
     * How to ask a service whether it is back (its health endpoint): while its breaker is open a call first
     * asks, and a service that answers closes the breaker, so a restarted service is usable as soon as it is
     * healthy, not only after the open wait. Null: no probe (the breaker waits {@code openWait}).
     */
    public void healthProbe(Predicate<Remote> healthy) {
        this.healthy = healthy;
    }

    /** Runs one call to {@code service} under its breaker. */
    public <T> T call(RemoteService service, Supplier<T> call) {
        return call(Remote.of(service), call);
    }

    /** Runs one call to one instance (a device-service shard) under its own breaker. */
    public <T> T call(Remote service, Supplier<T> call) {
        CircuitBreaker cb = breaker(service);
        if (!cb.tryAcquirePermission() && !backAgain(service, cb)) {
            String last = lastFailure.get(service);
            throw unavailable(service, (last == null ? "" : last + "; ") + "calls to it fail fast until it answers again", retryAfter());
        }
        long start = System.nanoTime();
        try {
            T result = call.get();
            cb.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            if (e instanceof ResourceAccessException) {
                String why = reason(e);
                if (isConnectionFailure(e)) {
                    lastFailure.put(service, why);
                    cb.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                } else {
                    // It was reached but did not finish in time (a long job, a stall): that is no sign it is gone.
                    cb.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                throw unavailable(service, why, retryAfter());
            }
            cb.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
    }

    /** The breaker is open: one caller at a time asks the service's health; a healthy answer closes the breaker. */
    private boolean backAgain(Remote service, CircuitBreaker cb) {
        Predicate<Remote> probe = healthy;
        AtomicBoolean busy = probing.computeIfAbsent(service, k -> new AtomicBoolean());
        if (probe == null || !busy.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (probe.test(service)) {
                cb.transitionToClosedState();
                return true;
            }
            return false;
        } finally {
            busy.set(false);
        }
    }

    /** {@code target} (an HTTP service client of {@code api}) with every method call run through {@link #call}. */
    public <T> T guard(RemoteService service, Class<T> api, T target) {
        return guard(Remote.of(service), api, target);
    }

    /** The same for one instance (a device-service shard). */
    public <T> T guard(Remote service, Class<T> api, T target) {
        Object proxy = Proxy.newProxyInstance(api.getClassLoader(), new Class<?>[]{api}, (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.invoke(target, args);
            }
            return call(service, () -> {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            });
        });
        return api.cast(proxy);
    }

    /** A transport failure that says the service is not there: refused, or no connection within the connect timeout. */
    static boolean isConnectionFailure(RuntimeException e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException || c instanceof java.net.http.HttpConnectTimeoutException
                    || c instanceof java.net.NoRouteToHostException || c instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Seconds until a retry is worth it: the open wait (a restarted service is let through as soon as it answers
     * its health, so there is no point waiting for the breaker's own clock).
     */
    private long retryAfter() {
        return Math.max(1, openWait.toSeconds());
    }

    private static String reason(RuntimeException e) {
        Throwable last = e;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.http.HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
                return "no answer within the timeout";
            }
            if (c instanceof java.nio.channels.ClosedChannelException || c instanceof java.io.EOFException) {
                return "the connection was closed";
            }
            last = c;
        }
        String m = last.getMessage();
        return m == null || m.isBlank() ? "no answer" : m;
    }

    /**
     * "mm-service (RAM, processes) at http://... did not answer: connection refused; retry once it is back" as a
     * 503 with errno EIO and Retry-After: the detail names the service by what it holds, since that is what the
     * caller lost.
     */
    public ErrnoException unavailable(RemoteService service, String why, long retryAfterSeconds) {
        return unavailable(Remote.of(service), why, retryAfterSeconds);
    }

    /** The same for one instance: "device-service shard 1 of 2 (...) at http://... did not answer: ...". */
    public ErrnoException unavailable(Remote service, String why, long retryAfterSeconds) {
        Function<Remote, String> urls = baseUrls;
        String at = urls == null ? null : urls.apply(service);
        return new ErrnoException(Errno.EIO, SERVICE_UNAVAILABLE, HttpStatus.SERVICE_UNAVAILABLE,
                service.describe() + (at == null ? "" : " at " + at) + " did not answer"
                        + (why == null || why.isBlank() ? "" : ": " + why) + "; retry once it is back (./fabric up restarts it)",
                retryAfterSeconds);
    }
}
