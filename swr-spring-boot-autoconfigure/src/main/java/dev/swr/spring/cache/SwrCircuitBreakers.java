package dev.swr.spring.cache;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * The circuit breakers of a {@link SwrCacheManager}'s caches, taken from one Resilience4j
 * {@link CircuitBreakerRegistry}: the application's when it has one, so
 * {@code resilience4j.circuitbreaker.instances.<cache>} configures ours too, otherwise one built
 * from {@code swr.circuit-breaker.*}.
 * <ul>
 * <li>{@link Scope#CACHE}: the registry's breaker named after the cache guards all its loads;</li>
 * <li>{@link Scope#KEY}: each key gets its own breaker named {@code <cache>:<key>}, configured as
 * the cache's breaker would be, kept outside the registry in a bounded least-recently-used map so
 * keys cannot grow it (nor the meters) without bound.</li>
 * </ul>
 */
public final class SwrCircuitBreakers {

	/** How many breakers guard a cache. */
	public enum Scope {

		/** One breaker per cache, named after it. */
		CACHE,

		/** One breaker per key, in a bounded map per cache. */
		KEY

	}

	private final CircuitBreakerRegistry registry;

	private final boolean applicationRegistry;

	private final Scope scope;

	private final long maxBreakersPerCache;

	private final ConcurrentMap<String, Cache<Object, CircuitBreaker>> keyBreakers = new ConcurrentHashMap<>();

	/**
	 * Breakers from {@code registry}.
	 * @param registry where the breakers (or, per key, their configuration) come from
	 * @param applicationRegistry whether the registry is the application's own bean (its meters and
	 * health are then the application's business)
	 * @param scope a breaker per cache or per key
	 * @param maxBreakersPerCache with {@link Scope#KEY}, how many breakers a cache keeps at most
	 */
	public SwrCircuitBreakers(CircuitBreakerRegistry registry, boolean applicationRegistry, Scope scope,
			long maxBreakersPerCache) {
		this.registry = Objects.requireNonNull(registry, "registry");
		this.applicationRegistry = applicationRegistry;
		this.scope = Objects.requireNonNull(scope, "scope");
		if (maxBreakersPerCache <= 0) {
			throw new IllegalArgumentException(
					"swr.circuit-breaker.max-breakers must be positive but was " + maxBreakersPerCache);
		}
		this.maxBreakersPerCache = maxBreakersPerCache;
	}

	/** Gives every cache {@code manager} creates from now on its breakers. */
	public void applyTo(SwrCacheManager manager) {
		if (this.scope == Scope.KEY) {
			manager.setKeyCircuitBreakers(this::keyBreakersOf);
		}
		else {
			manager.setCircuitBreakers(this.registry::circuitBreaker);
		}
	}

	/** The registry the breakers (per cache) live in. */
	public CircuitBreakerRegistry registry() {
		return this.registry;
	}

	/** Whether {@link #registry()} is the application's own {@code CircuitBreakerRegistry} bean. */
	public boolean isApplicationRegistry() {
		return this.applicationRegistry;
	}

	/** A breaker per cache or per key. */
	public Scope scope() {
		return this.scope;
	}

	/** With {@link Scope#KEY}: the breakers {@code cacheName} keeps now, else an empty list. */
	public List<CircuitBreaker> keyBreakers(String cacheName) {
		Cache<Object, CircuitBreaker> breakers = this.keyBreakers.get(cacheName);
		return (breakers != null) ? List.copyOf(breakers.asMap().values()) : List.of();
	}

	private Function<Object, CircuitBreaker> keyBreakersOf(String cacheName) {
		CircuitBreakerConfig config = configOf(cacheName);
		Cache<Object, CircuitBreaker> breakers = Caffeine.newBuilder()
			.maximumSize(this.maxBreakersPerCache)
			.executor(Runnable::run)
			.build();
		this.keyBreakers.put(cacheName, breakers);
		return (key) -> breakers.get(key, (k) -> CircuitBreaker.of(cacheName + ":" + k, config));
	}

	/** The configuration the cache's own breaker has or would get from the registry. */
	private CircuitBreakerConfig configOf(String cacheName) {
		return this.registry.find(cacheName)
			.map(CircuitBreaker::getCircuitBreakerConfig)
			.or(() -> this.registry.getConfiguration(cacheName))
			.orElseGet(this.registry::getDefaultConfig);
	}

	@Override
	public String toString() {
		return "SwrCircuitBreakers[scope=" + this.scope + ", applicationRegistry=" + this.applicationRegistry + "]";
	}

}
