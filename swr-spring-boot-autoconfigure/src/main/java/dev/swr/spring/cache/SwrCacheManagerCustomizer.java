package dev.swr.spring.cache;

/**
 * Customizes the auto-configured {@link SwrCacheManager} before it is used, for what properties do
 * not cover: a policy computed in code, a store of your own, a breaker per cache.
 */
@FunctionalInterface
public interface SwrCacheManagerCustomizer {

	/** Customizes {@code cacheManager}. */
	void customize(SwrCacheManager cacheManager);

}
