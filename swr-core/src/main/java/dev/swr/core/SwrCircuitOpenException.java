package dev.swr.core;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * Thrown to a caller that needs a load while the cache's circuit breaker refuses loads and nothing
 * usable is cached.
 */
public class SwrCircuitOpenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String cacheName;

	private final transient Object key;

	private final CircuitBreaker.State state;

	/**
	 * The breaker of {@code cacheName} refused a load of {@code key}.
	 * @param cacheName the cache
	 * @param key the key that could not be loaded
	 * @param breakerName the breaker's name
	 * @param state the breaker's state when it refused
	 */
	public SwrCircuitOpenException(String cacheName, Object key, String breakerName, CircuitBreaker.State state) {
		super("Circuit breaker '" + breakerName + "' of cache '" + cacheName + "' is " + state
				+ ": no load of key '" + key + "' and nothing cached to serve");
		this.cacheName = cacheName;
		this.key = key;
		this.state = state;
	}

	/** The cache whose breaker refused. */
	public String cacheName() {
		return this.cacheName;
	}

	/** The key that could not be loaded. */
	public Object key() {
		return this.key;
	}

	/** The breaker's state when it refused. */
	public CircuitBreaker.State state() {
		return this.state;
	}

}
