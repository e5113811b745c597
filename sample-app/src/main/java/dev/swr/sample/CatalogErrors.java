package dev.swr.sample;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import dev.swr.core.SwrCircuitOpenException;

/**
 * Errors of the catalog as RFC 9457 problem details ({@code application/problem+json}). Other
 * Spring MVC errors (404, 405, ...) get theirs from Boot ({@code spring.mvc.problemdetails.enabled}).
 */
@RestControllerAdvice
// Ahead of Boot's handler, which also handles type mismatches but without naming the bad value.
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CatalogErrors {

	@ExceptionHandler(MethodArgumentTypeMismatchException.class)
	ProblemDetail badArgument(MethodArgumentTypeMismatchException ex) {
		String expected = (ex.getRequiredType() != null) ? ex.getRequiredType().getSimpleName() : "another type";
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				"'" + ex.getValue() + "' is not a valid " + ex.getName() + ": expected " + expected);
		problem.setTitle("Invalid " + ex.getName());
		problem.setProperty("parameter", ex.getName());
		problem.setProperty("value", String.valueOf(ex.getValue()));
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

	/** The cache's circuit breaker refuses loads and no copy was cached. */
	@ExceptionHandler(SwrCircuitOpenException.class)
	ProblemDetail circuitOpen(SwrCircuitOpenException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
		problem.setTitle("Upstream unavailable");
		problem.setProperty("cache", ex.cacheName());
		problem.setProperty("circuitBreaker", ex.state().name());
		return problem;
	}

}
