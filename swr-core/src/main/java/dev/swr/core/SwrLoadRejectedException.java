package dev.swr.core;

/**
 * Thrown at once to a caller that needs a cold load while its cache already runs
 * {@code max-concurrent-misses} of them and nothing is cached to serve: a slow source then holds
 * at most that many threads, and the caller can answer at once (HTTP 503 with {@code Retry-After}).
 */
public class SwrLoadRejectedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String cacheName;

	private final transient Object key;

	private final int maxConcurrentMisses;

	/**
	 * A cold load of {@code key} in {@code cacheName} was refused.
	 * @param cacheName the cache
	 * @param key the key that was not loaded
	 * @param maxConcurrentMisses the cache's {@code max-concurrent-misses}
	 */
	public SwrLoadRejectedException(String cacheName, Object key, int maxConcurrentMisses) {
		super("Cache '" + cacheName + "' already runs its max-concurrent-misses of " + maxConcurrentMisses
				+ " cold loads: key '" + key + "' was not loaded and nothing is cached to serve");
		this.cacheName = cacheName;
		this.key = key;
		this.maxConcurrentMisses = maxConcurrentMisses;
	}

	/** The cache that refused the load. */
	public String cacheName() {
		return this.cacheName;
	}

	/** The key that was not loaded. */
	public Object key() {
		return this.key;
	}

	/** The cache's {@code max-concurrent-misses}. */
	public int maxConcurrentMisses() {
		return this.maxConcurrentMisses;
	}

}
