package dev.swr.spring.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.core.ResolvableType;

import dev.swr.core.MemoryStore;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrTtlPolicy;
import dev.swr.spring.annotation.SwrOperation;

/**
 * The {@link CacheManager} of stale-while-revalidate caches, and the one place their settings meet.
 * A cache is created on first use with the policy built, setting by setting, from (highest first)
 * {@code swr.caches.<name>.*}, the {@code @StaleWhileRevalidate} annotations that use it,
 * {@code swr.defaults.*}, then the built-in defaults.
 * <p>
 * Methods sharing a cache must agree on the windows they set; a disagreement fails startup naming
 * both methods.
 */
public class SwrCacheManager implements CacheManager, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(SwrCacheManager.class);

	private final SwrEngine engine;

	private final SwrCacheSettings defaults;

	private final Map<String, SwrCacheSettings> configured;

	private final long defaultMaximumSize;

	private final ConcurrentMap<String, Declared> declared = new ConcurrentHashMap<>();

	private final ConcurrentMap<String, SwrSpringCache> caches = new ConcurrentHashMap<>();

	private final Map<String, SwrPolicy> policies = new ConcurrentHashMap<>();

	private @Nullable SwrTtlPolicy ttlPolicy;

	private SwrStoreFactory storeFactory;

	private Function<String, @Nullable CircuitBreaker> circuitBreakers = (name) -> null;

	private Duration tagCheckInterval = Duration.ofSeconds(1);

	private @Nullable Function<String, @Nullable Function<Object, CircuitBreaker>> keyCircuitBreakers;

	/** Guards {@link #cacheListeners} and {@link #announced}, so each listener sees each cache once. */
	private final Object announcing = new Object();

	private final List<Consumer<? super SwrSpringCache>> cacheListeners = new ArrayList<>();

	private final List<SwrSpringCache> announced = new ArrayList<>();

	/**
	 * A manager over {@code engine}.
	 * @param engine the engine whose clock, refresh pool and handlers every cache shares
	 * @param defaults {@code swr.defaults.*}
	 * @param configured {@code swr.caches.*} by cache name
	 * @throws IllegalStateException if the defaults or a configured cache make an invalid policy,
	 * naming the property
	 */
	public SwrCacheManager(SwrEngine engine, SwrCacheSettings defaults, Map<String, ? extends SwrCacheSettings> configured) {
		this.engine = Objects.requireNonNull(engine, "engine");
		this.defaults = Objects.requireNonNull(defaults, "defaults");
		this.configured = Map.copyOf(configured);

		Long maximumSize = defaults.maximumSize();
		this.defaultMaximumSize = (maximumSize != null) ? maximumSize : 10_000;
		this.storeFactory = (name, size, type) -> new MemoryStore<>(size, engine.clock());
		// Fail at startup, not at the first call, on a bad default or a bad configured cache.
		resolvePolicy("swr.defaults", SwrOperation.Overrides.NONE, SwrCacheSettings.NONE);
		this.configured.forEach((name, settings) -> {
			resolvePolicy("swr.caches." + name, SwrOperation.Overrides.NONE, settings);
			maximumSizeOf(name);
		});
	}

	/** Sets the per-value windows policy of every cache created from now on. */
	public void setTtlPolicy(@Nullable SwrTtlPolicy ttlPolicy) {
		this.ttlPolicy = ttlPolicy;
	}

	/**
	 * Sets how long what a cache created from now on knows of a tag's evictions serves before its
	 * store is asked again ({@code swr.tags.check-interval}, default 1 second).
	 */
	public void setTagCheckInterval(Duration tagCheckInterval) {
		if (tagCheckInterval == null || tagCheckInterval.isNegative()) {
			throw new IllegalArgumentException("swr.tags.check-interval must be zero or positive but was "
					+ tagCheckInterval);
		}
		this.tagCheckInterval = tagCheckInterval;
	}

	/** Sets where caches created from now on keep their entries (default: in memory). */
	public void setStoreFactory(SwrStoreFactory storeFactory) {
		this.storeFactory = Objects.requireNonNull(storeFactory, "storeFactory");
	}

	/** Sets the breaker of each cache created from now on; the function may return {@code null}. */
	public void setCircuitBreakers(Function<String, @Nullable CircuitBreaker> circuitBreakers) {
		this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
	}

	/**
	 * Sets a breaker per key, instead of one per cache, for each cache created from now on: given
	 * the cache name, the function that hands out the breaker of a key (the same one for the same
	 * key), or {@code null} for a cache without breakers. Takes precedence over
	 * {@link #setCircuitBreakers}.
	 */
	public void setKeyCircuitBreakers(Function<String, @Nullable Function<Object, CircuitBreaker>> keyCircuitBreakers) {
		this.keyCircuitBreakers = Objects.requireNonNull(keyCircuitBreakers, "keyCircuitBreakers");
	}

	/**
	 * Calls {@code listener} once with every cache: at once with those created already, then with
	 * each one created later, on the thread that created it, before the cache is first used. For
	 * binding meters to caches, which are created lazily. It must be quick and must not throw.
	 */
	public void addCacheListener(Consumer<? super SwrSpringCache> listener) {
		Objects.requireNonNull(listener, "listener");
		synchronized (this.announcing) {
			this.cacheListeners.add(listener);
			this.announced.forEach(listener);
		}
	}

	/**
	 * The type of the keys of {@code cacheName} when its {@code @StaleWhileRevalidate} methods take
	 * the key from one parameter of the same type ({@code key = "#id"}), else {@code null}.
	 */
	public @Nullable Class<?> getKeyType(String cacheName) {
		Declared uses = this.declared.get(cacheName);
		return (uses != null) ? uses.keyType() : null;
	}

	/**
	 * Overrides the whole policy of one cache, above every other source. For settings computed in
	 * code, through a {@link SwrCacheManagerCustomizer}.
	 */
	public void setPolicy(String cacheName, SwrPolicy policy) {
		this.policies.put(cacheName, Objects.requireNonNull(policy, "policy"));
	}

	/**
	 * Records that {@code operation} uses its cache.
	 * @throws IllegalStateException if it sets windows that another method of the same cache sets
	 * differently, or its settings make an invalid policy, naming the method and the setting
	 */
	public void declare(SwrOperation operation) {
		Declared mine = new Declared(operation.methodDescription(), operation.overrides(), operation.valueType(),
				operation.keyType());
		Declared merged = this.declared.merge(operation.cacheName(), mine, (existing, added) -> existing.merge(added,
				operation.cacheName()));
		resolvePolicy("@StaleWhileRevalidate on " + operation.methodDescription(), merged.overrides(),
				this.configured.getOrDefault(operation.cacheName(), SwrCacheSettings.NONE));
	}

	@Override
	public @Nullable Cache getCache(String name) {
		return cacheOf(name);
	}

	/** The engine cache named {@code name}, created on first use. */
	public SwrCache<Object, Object> getSwrCache(String name) {
		return cacheOf(name).getNativeCache();
	}

	/** The cache named {@code name} if it has been created, without creating it. */
	public @Nullable SwrSpringCache getExistingCache(String name) {
		return this.caches.get(name);
	}

	private SwrSpringCache cacheOf(String name) {
		SwrSpringCache existing = this.caches.get(name);
		if (existing != null) {
			return existing;
		}
		boolean[] created = new boolean[1];
		SwrSpringCache cache = this.caches.computeIfAbsent(name, (key) -> {
			created[0] = true;
			return create(key);
		});
		if (created[0]) {
			// Outside computeIfAbsent: a listener may look caches up.
			synchronized (this.announcing) {
				this.announced.add(cache);
				this.cacheListeners.forEach((listener) -> listener.accept(cache));
			}
		}
		return cache;
	}

	@Override
	public Collection<String> getCacheNames() {
		return List.copyOf(this.caches.keySet());
	}

	/** The engine every cache of this manager runs on. */
	public SwrEngine getEngine() {
		return this.engine;
	}

	/** The names under {@code swr.caches}. */
	public Set<String> getConfiguredCacheNames() {
		return this.configured.keySet();
	}

	/** Warns about {@code swr.caches.<name>} entries that no annotated method uses. */
	@Override
	public void afterSingletonsInstantiated() {
		for (String name : this.configured.keySet()) {
			if (!this.declared.containsKey(name)) {
				logger.warn("swr.caches." + name + " is configured but no @StaleWhileRevalidate method uses cache '"
						+ name + "' (a typo? if it is used only through the Spring Cache API, ignore this)");
			}
		}
	}

	private SwrSpringCache create(String name) {
		Declared uses = this.declared.get(name);
		SwrCacheSettings settings = this.configured.getOrDefault(name, SwrCacheSettings.NONE);
		SwrPolicy policy = this.policies.get(name);
		if (policy == null) {
			policy = resolvePolicy("swr.caches." + name,
					(uses != null) ? uses.overrides() : SwrOperation.Overrides.NONE, settings);
		}
		ResolvableType valueType = (uses != null) ? uses.valueType() : ResolvableType.NONE;
		SwrEngine.CacheBuilder<Object, Object> builder = this.engine.newCache(name)
			.policy(policy)
			.tagCheckInterval(this.tagCheckInterval)
			.store(this.storeFactory.createStore(name, maximumSizeOf(name), valueType));
		Function<Object, CircuitBreaker> keyBreakers = (this.keyCircuitBreakers != null)
				? this.keyCircuitBreakers.apply(name) : null;
		CircuitBreaker breaker = (this.keyCircuitBreakers != null) ? null : this.circuitBreakers.apply(name);
		if (keyBreakers != null) {
			builder.circuitBreakers(keyBreakers);
		}
		else if (breaker != null) {
			builder.circuitBreaker(breaker);
		}
		if (this.ttlPolicy != null) {
			builder.ttlPolicy(this.ttlPolicy);
		}
		return new SwrSpringCache(builder.build());
	}

	private long maximumSizeOf(String name) {
		Long size = this.configured.getOrDefault(name, SwrCacheSettings.NONE).maximumSize();
		long chosen = (size != null) ? size : this.defaultMaximumSize;
		if (chosen <= 0) {
			throw new IllegalStateException("swr.caches." + name + ".maximum-size must be positive but was " + chosen);
		}
		return chosen;
	}

	private SwrPolicy resolvePolicy(String source, SwrOperation.Overrides annotation, SwrCacheSettings cache) {
		SwrPolicy.Builder builder = SwrPolicy.builder();
		this.defaults.applyTo(builder);
		annotation.applyTo(builder);
		cache.applyTo(builder);
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(source + ": " + ex.getMessage(), ex);
		}
	}

	/** What the methods using one cache said about it. */
	private record Declared(String methods, SwrOperation.Overrides overrides, ResolvableType valueType,
			@Nullable Class<?> keyType) {

		Declared merge(Declared other, String cacheName) {
			Map<String, Object[]> conflicts = new LinkedHashMap<>();
			SwrOperation.Overrides a = this.overrides;
			SwrOperation.Overrides b = other.overrides;
			compare(conflicts, "fresh", a.fresh(), b.fresh());
			compare(conflicts, "stale", a.stale(), b.stale());
			compare(conflicts, "expired", a.expired(), b.expired());
			compare(conflicts, "expiredWait", a.expiredWait(), b.expiredWait());
			compare(conflicts, "cacheNulls", a.cacheNulls(), b.cacheNulls());
			if (!conflicts.isEmpty()) {
				StringBuilder message = new StringBuilder("Methods using cache '" + cacheName + "' disagree: ");
				conflicts.forEach((setting, values) -> message.append(setting).append(" is ").append(values[0])
					.append(" on ").append(this.methods).append(" but ").append(values[1]).append(" on ")
					.append(other.methods).append("; "));
				message.append("set it once in swr.caches.").append(cacheName).append(" instead");
				throw new IllegalStateException(message.toString());
			}
			SwrOperation.Overrides union = new SwrOperation.Overrides(first(a.fresh(), b.fresh()),
					first(a.stale(), b.stale()), first(a.expired(), b.expired()), first(a.expiredWait(), b.expiredWait()),
					first(a.cacheNulls(), b.cacheNulls()));
			ResolvableType type = this.valueType.toClass().equals(other.valueType.toClass()) ? this.valueType
					: ResolvableType.NONE;
			Class<?> key = Objects.equals(this.keyType, other.keyType) ? this.keyType : null;
			return new Declared(this.methods + ", " + other.methods, union, type, key);
		}

		private static void compare(Map<String, Object[]> conflicts, String setting, @Nullable Object a, @Nullable Object b) {
			if (a != null && b != null && !a.equals(b)) {
				conflicts.put(setting, new Object[] { a, b });
			}
		}

		private static <T> @Nullable T first(@Nullable T a, @Nullable T b) {
			return (a != null) ? a : b;
		}

	}

}
