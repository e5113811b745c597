package dev.swr.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

import dev.swr.core.SwrCache;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;
import dev.swr.spring.cache.SwrSpringCache;

/**
 * Health contributor {@code swr}: always {@code UP}, because the cache layer fails open (a dead
 * store is a miss, an open breaker serves what is cached), so it never takes an application out of
 * service. Its details show, per cache, the store, whether it is reachable, and the state of the
 * circuit breaker (per key: how many breakers are in each state). Those who want a store such as
 * Redis in readiness use Boot's own indicator for it.
 */
public class SwrHealthIndicator implements HealthIndicator {

	private final SwrCacheManager cacheManager;

	private final @Nullable SwrCircuitBreakers circuitBreakers;

	/**
	 * A contributor over the caches of {@code cacheManager}.
	 * @param cacheManager the manager whose caches to report
	 * @param circuitBreakers the breakers per key, if that is the scope; {@code null} otherwise
	 */
	public SwrHealthIndicator(SwrCacheManager cacheManager, @Nullable SwrCircuitBreakers circuitBreakers) {
		this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
		this.circuitBreakers = circuitBreakers;
	}

	@Override
	public Health health() {
		Map<String, Object> caches = new TreeMap<>();
		for (String name : this.cacheManager.getCacheNames()) {
			SwrSpringCache cache = this.cacheManager.getExistingCache(name);
			if (cache != null) {
				caches.put(name, details(cache.getNativeCache()));
			}
		}
		return Health.up().withDetail("caches", caches).build();
	}

	private Map<String, Object> details(SwrCache<?, ?> cache) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("store", cache.inspect().storeKind());
		details.put("reachable", reachable(cache));
		CircuitBreaker breaker = cache.inspect().circuitBreaker();
		if (breaker != null) {
			details.put("circuitBreaker", breaker.getState().name());
		}
		else if (this.circuitBreakers != null && this.circuitBreakers.scope() == SwrCircuitBreakers.Scope.KEY) {
			details.put("circuitBreakers",
					SwrEndpoint.CircuitBreakerDescriptor.perKey(this.circuitBreakers.keyBreakers(cache.name())).keyStates());
		}
		return details;
	}

	/** A store that fails to say is taken as unreachable; the status stays UP either way. */
	private static boolean reachable(SwrCache<?, ?> cache) {
		try {
			return cache.inspect().isStoreReachable();
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
