package dev.swr.sample;

import java.time.Duration;
import java.util.Collection;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.StringUtils;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.swr.core.SwrCircuitOpenException;
import dev.swr.core.SwrLoadRejectedException;
import dev.swr.core.SwrLoadTimeoutException;
import dev.swr.spring.cache.SwrCacheManager;

/**
 * Errors of the catalog as RFC 9457 problem details ({@code application/problem+json}). Other
 * Spring MVC errors (404, 405, ...) get theirs from Boot ({@code spring.mvc.problemdetails.enabled}).
 * <p>
 * When the cache cannot answer a product it has no copy of (a slow source, too many cold loads at
 * once, an open breaker) the answer is 503 with {@code Retry-After}: the application stays up and
 * tells clients when trying again is worth it.
 */
@RestControllerAdvice
// Ahead of Boot's handler, which also handles type mismatches but without naming the bad value.
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CatalogErrors {

	/**
	 * Slots of cold loads, like a half-open breaker's trial loads, come free as loads end: no
	 * duration to wait for is known, so clients retry soon; a retry that is refused again is cheap.
	 */
	private static final Duration RETRY_SOON = Duration.ofSeconds(1);

	private final ObjectProvider<SwrCacheManager> caches;

	/** Handlers reading breakers from {@code caches}, absent when the sample runs with {@code swr.enabled=false}. */
	public CatalogErrors(ObjectProvider<SwrCacheManager> caches) {
		this.caches = caches;
	}

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail badArgument(MethodArgumentTypeMismatchException ex) {
		Class<?> type = ex.getRequiredType();
		// A repeated parameter (?ids=1&ids=a) arrives as an array: shown as the comma-separated form.
		String value = (ex.getValue() instanceof Object[] values) ? StringUtils.arrayToCommaDelimitedString(values)
				: String.valueOf(ex.getValue());
		String detail;
		if (type != null && Collection.class.isAssignableFrom(type)) {
			Class<?> element = ResolvableType.forMethodParameter(ex.getParameter()).asCollection().resolveGeneric(0);
			detail = "'" + value + "' is not a valid list of " + ex.getName() + ": expected comma-separated "
					+ ((element != null) ? element.getSimpleName() + " " : "") + "values";
		}
		else {
			detail = "'" + value + "' is not a valid " + ex.getName() + ": expected "
					+ ((type != null) ? type.getSimpleName() : "another type");
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
		problem.setTitle("Invalid " + ex.getName());
		problem.setProperty("parameter", ex.getName());
		problem.setProperty("value", value);
		return problem;
	}

	/** The upstream failed and no copy of the product was cached to fall back on. */
	@ExceptionHandler(UpstreamUnavailableException.class)
	ProblemDetail upstreamUnavailable(UpstreamUnavailableException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Upstream unavailable");
		problem.setProperty("productId", ex.productId());
		return problem;
	}

	/**
	 * The cache's circuit breaker refuses loads and no copy was cached. Retry once the breaker lets
	 * trial loads through: it tells how long it stays open in all, not how long is left, so that is
	 * an upper bound; a half-open breaker whose trial loads are all taken decides within one load.
	 */
	@ExceptionHandler(SwrCircuitOpenException.class)
	ResponseEntity<ProblemDetail> circuitOpen(SwrCircuitOpenException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Upstream unavailable");
		problem.setProperty("cache", ex.cacheName());
		problem.setProperty("key", String.valueOf(ex.key()));
		problem.setProperty("circuitBreaker", ex.state().name());
		CircuitBreaker breaker = breakerOf(ex);
		Duration retryAfter = (breaker != null && ex.state() == CircuitBreaker.State.OPEN)
				? Duration.ofMillis(breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1))
				: RETRY_SOON;
		return serviceUnavailable(problem, retryAfter);
	}

	/**
	 * The product is not cached and its load took longer than the cache's miss-timeout. The load goes
	 * on and caches its value if it succeeds, so one more miss-timeout is a fair wait.
	 */
	@ExceptionHandler(SwrLoadTimeoutException.class)
	ResponseEntity<ProblemDetail> loadTimedOut(SwrLoadTimeoutException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Upstream too slow");
		problem.setProperty("cache", ex.cacheName());
		problem.setProperty("key", String.valueOf(ex.key()));
		return serviceUnavailable(problem, ex.timeout());
	}

	/** The product is not cached and the cache already runs as many cold loads as it allows. */
	@ExceptionHandler(SwrLoadRejectedException.class)
	ResponseEntity<ProblemDetail> loadRejected(SwrLoadRejectedException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Too many products loading");
		problem.setProperty("cache", ex.cacheName());
		problem.setProperty("key", String.valueOf(ex.key()));
		return serviceUnavailable(problem, RETRY_SOON);
	}

	private @Nullable CircuitBreaker breakerOf(SwrCircuitOpenException ex) {
		SwrCacheManager caches = this.caches.getIfAvailable();
		return (caches != null) ? caches.getSwrCache(ex.cacheName()).inspect().circuitBreakerFor(ex.key()) : null;
	}

	/** 503 with {@code Retry-After} in whole seconds, rounded up, at least one. */
	private static ResponseEntity<ProblemDetail> serviceUnavailable(ProblemDetail problem, Duration retryAfter) {
		long seconds = Math.max(1, retryAfter.getSeconds() + ((retryAfter.getNano() > 0) ? 1 : 0));
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, Long.toString(seconds))
			.body(problem);
	}

}
