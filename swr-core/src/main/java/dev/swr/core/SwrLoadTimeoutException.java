package dev.swr.core;

import java.time.Duration;

/**
 * Thrown to a caller that waited {@code miss-timeout} for a cold load of a key with nothing cached
 * to serve. The load itself goes on, up to {@code refresh-timeout}, and its value is stored for the
 * callers that come after.
 */
public class SwrLoadTimeoutException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String cacheName;

	private final transient Object key;

	private final Duration timeout;

	/**
	 * A caller of {@code cacheName} gave up waiting for the load of {@code key}.
	 * @param cacheName the cache
	 * @param key the key being loaded
	 * @param timeout the cache's {@code miss-timeout}
	 */
	public SwrLoadTimeoutException(String cacheName, Object key, Duration timeout) {
		super("Load of key '" + key + "' in cache '" + cacheName + "' took longer than its miss-timeout of " + timeout
				+ " and nothing is cached to serve; the load goes on and its value will be cached");
		this.cacheName = cacheName;
		this.key = key;
		this.timeout = timeout;
	}

	/** The cache whose load was too slow. */
	public String cacheName() {
		return this.cacheName;
	}

	/** The key being loaded. */
	public Object key() {
		return this.key;
	}

	/** How long the caller waited: the cache's {@code miss-timeout}. */
	public Duration timeout() {
		return this.timeout;
	}

}
