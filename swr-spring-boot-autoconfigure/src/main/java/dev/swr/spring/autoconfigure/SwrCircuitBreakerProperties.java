package dev.swr.spring.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.swr.spring.cache.SwrCircuitBreakers;

/**
 * The circuit breakers that guard the loads of stale-while-revalidate caches
 * ({@code swr.circuit-breaker.*}). When the application has a {@code CircuitBreakerRegistry} bean
 * (resilience4j-spring-boot4 defines one), breakers come from it, configured by
 * {@code resilience4j.circuitbreaker.instances.<cache name>}, and only {@code enabled},
 * {@code scope} and {@code max-breakers} apply from here.
 */
@ConfigurationProperties("swr.circuit-breaker")
public class SwrCircuitBreakerProperties {

	/** Whether loads are guarded by circuit breakers. */
	private boolean enabled = true;

	/** One breaker per cache, or one per key (kept in a bounded map, see max-breakers). */
	private SwrCircuitBreakers.Scope scope = SwrCircuitBreakers.Scope.CACHE;

	/** Failure rate, in percent of the calls in the sliding window, at or above which a breaker opens. */
	private float failureRateThreshold = 50;

	/**
	 * Slow-call rate, in percent of the calls in the sliding window, at or above which a breaker
	 * opens: a source that answers too slowly opens it like one that fails. In (0, 100].
	 */
	private float slowCallRateThreshold = 50;

	/**
	 * How long a load may take before the breaker counts it as slow, whether it succeeded or failed.
	 * The default matches the built-in miss-timeout: a load its caller gave up waiting for is slow.
	 */
	private Duration slowCallDurationThreshold = Duration.ofSeconds(5);

	/** Number of most recent loads a breaker judges its failure and slow-call rates on. */
	private int slidingWindowSize = 50;

	/** Loads a breaker must have seen before it computes its failure and slow-call rates. */
	private int minimumNumberOfCalls = 20;

	/** How long an open breaker refuses loads before it lets trial loads through (half-open). */
	private Duration waitDurationInOpenState = Duration.ofSeconds(30);

	/** Trial loads a half-open breaker lets through; it closes if they succeed, reopens if they fail. */
	private int permittedCallsInHalfOpenState = 3;

	/**
	 * With scope 'key': most breakers kept per cache; the least recently used ones are forgotten
	 * (a forgotten key starts again with a closed breaker).
	 */
	private long maxBreakers = 10_000;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public SwrCircuitBreakers.Scope getScope() {
		return this.scope;
	}

	public void setScope(SwrCircuitBreakers.Scope scope) {
		this.scope = scope;
	}

	public float getFailureRateThreshold() {
		return this.failureRateThreshold;
	}

	public void setFailureRateThreshold(float failureRateThreshold) {
		this.failureRateThreshold = failureRateThreshold;
	}

	public float getSlowCallRateThreshold() {
		return this.slowCallRateThreshold;
	}

	public void setSlowCallRateThreshold(float slowCallRateThreshold) {
		this.slowCallRateThreshold = slowCallRateThreshold;
	}

	public Duration getSlowCallDurationThreshold() {
		return this.slowCallDurationThreshold;
	}

	public void setSlowCallDurationThreshold(Duration slowCallDurationThreshold) {
		this.slowCallDurationThreshold = slowCallDurationThreshold;
	}

	public int getSlidingWindowSize() {
		return this.slidingWindowSize;
	}

	public void setSlidingWindowSize(int slidingWindowSize) {
		this.slidingWindowSize = slidingWindowSize;
	}

	public int getMinimumNumberOfCalls() {
		return this.minimumNumberOfCalls;
	}

	public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
		this.minimumNumberOfCalls = minimumNumberOfCalls;
	}

	public Duration getWaitDurationInOpenState() {
		return this.waitDurationInOpenState;
	}

	public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
		this.waitDurationInOpenState = waitDurationInOpenState;
	}

	public int getPermittedCallsInHalfOpenState() {
		return this.permittedCallsInHalfOpenState;
	}

	public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
		this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
	}

	public long getMaxBreakers() {
		return this.maxBreakers;
	}

	public void setMaxBreakers(long maxBreakers) {
		this.maxBreakers = maxBreakers;
	}

}
