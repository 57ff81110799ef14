package org.svafabric.api.client;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * <p>Only transport failures (refused connections, timeouts) count against a service: a problem answer
 * proves it is there, even when the problem is a 503 it relays from a service further down. While a breaker
 * is open, callers fail fast; after {@code openWait} one call probes the service (half-open) and a success
 * closes the breaker, so a restarted service is usable again within that wait.
 */
public final class ServiceGuard {
    public static final Duration DEFAULT_OPEN_WAIT = Duration.ofSeconds(2);

    private final Duration openWait;
    private final Map<RemoteService, CircuitBreaker> breakers = new EnumMap<>(RemoteService.class);
    /** When each breaker last opened (nanoTime), for Retry-After; written by the breaker's transition event. */
    private final Map<RemoteService, Long> openedAt = new java.util.concurrent.ConcurrentHashMap<>();

    public ServiceGuard(Duration openWait) {
        this.openWait = openWait;
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(openWait)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .build();
        for (RemoteService s : RemoteService.values()) {
            CircuitBreaker cb = CircuitBreaker.of(s.serviceName(), config);
            cb.getEventPublisher().onStateTransition(e -> {
                if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                    openedAt.put(s, System.nanoTime());
                }
            });
            breakers.put(s, cb);
        }
    }

    public ServiceGuard() {
        this(DEFAULT_OPEN_WAIT);
    }

    public CircuitBreaker breaker(RemoteService service) {
        return breakers.get(service);
    }

    /** Runs one call to {@code service} under its breaker. */
    public <T> T call(RemoteService service, Supplier<T> call) {
        CircuitBreaker cb = breakers.get(service);
        if (!cb.tryAcquirePermission()) {
            throw unavailable(service, "calls to it fail fast until it answers again", retryAfter(service));
        }
        long start = System.nanoTime();
        try {
            T result = call.get();
            cb.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return result;
        } catch (RuntimeException e) {
            if (isTransportFailure(e)) {
                cb.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                throw unavailable(service, reason(e), Math.max(1, openWait.toSeconds()));
            }
            cb.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            throw e;
        }
    }

    /** {@code target} (an HTTP service client of {@code api}) with every method call run through {@link #call}. */
    public <T> T guard(RemoteService service, Class<T> api, T target) {
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

    static boolean isTransportFailure(RuntimeException e) {
        return e instanceof ResourceAccessException;
    }

    private long retryAfter(RemoteService service) {
        Long at = openedAt.get(service);
        if (at == null) {
            return Math.max(1, openWait.toSeconds());
        }
        long leftNanos = openWait.toNanos() - (System.nanoTime() - at);
        return Math.max(1, (leftNanos + 999_999_999L) / 1_000_000_000L);
    }

    private static String reason(RuntimeException e) {
        Throwable last = e;
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.http.HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
                return "no answer in time";
            }
            last = c;
        }
        String m = last.getMessage();
        return m == null || m.isBlank() ? last.getClass().getSimpleName() : m;
    }

    /** "mm-service (RAM, processes) is not answering: ..." as a 503 with errno EIO. */
    public static ErrnoException unavailable(RemoteService service, String why, long retryAfterSeconds) {
        return new ErrnoException(Errno.EIO, "service-unavailable", HttpStatus.SERVICE_UNAVAILABLE,
                service.describe() + " is not answering" + (why == null || why.isBlank() ? "" : ": " + why), retryAfterSeconds);
    }
}
