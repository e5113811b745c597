package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * The shared parts of a set of caches — clock, refresh and load pools, listener, error handler — and
 * the factory of {@link SwrCache}s. Usable without Spring:
 *
 * <pre class="code">
 * try (SwrEngine engine = SwrEngine.builder().build()) {
 *     SwrCache&lt;Long, Product&gt; products = engine.&lt;Long, Product&gt;newCache("products")
 *         .policy(SwrPolicy.builder().fresh(Duration.ofSeconds(30)).build())
 *         .build();
 *     Product product = products.get(42L, catalog::fetch);
 * }
 * </pre>
 *
 * {@link #close()} stops taking refreshes, lets running ones finish within the shutdown timeout and
 * stops every thread the engine started.
 */
public final class SwrEngine implements AutoCloseable {

	private final InstantSource clock;

	private final @Nullable CoarseClock ownClock;

	private final RefreshScheduler scheduler;

	private final EngineHooks hooks;

	private final Duration shutdownTimeout;

	private final ConcurrentMap<String, SwrCache<?, ?>> caches = new ConcurrentHashMap<>();

	private SwrEngine(Builder builder) {
		// The scheduler validates its bounds and starts no thread, so it goes first: a bad bound
		// must not leave a started clock ticker behind.
		this.scheduler = new RefreshScheduler(builder.maxConcurrentRefreshes, builder.refreshQueueCapacity,
				builder.refreshExecutor, builder.timeoutTimer);
		this.ownClock = (builder.clock == null) ? CoarseClock.start() : null;
		this.clock = (builder.clock != null) ? builder.clock : this.ownClock;
		this.hooks = new EngineHooks(builder.loadListener, builder.errorHandler, builder.loadObserver,
				builder.contextCapture);
		this.shutdownTimeout = builder.shutdownTimeout;
	}

	/** A builder with the documented defaults: a coarse clock, 64 concurrent refreshes, a queue of 1000. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the definition of a cache named {@code name}.
	 * @param name the cache name, unique within this engine
	 * @param <K> the key type
	 * @param <V> the value type
	 * @return a builder whose {@code build()} registers the cache
	 */
	public <K, V> CacheBuilder<K, V> newCache(String name) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("'name' of a cache must not be empty");
		}
		return new CacheBuilder<>(name);
	}

	/** The cache named {@code name}, or {@code null}. */
	public @Nullable SwrCache<?, ?> cache(String name) {
		return this.caches.get(name);
	}

	/** Every cache built so far. */
	public Collection<SwrCache<?, ?>> caches() {
		return List.copyOf(this.caches.values());
	}

	/** The clock every cache of this engine reads. */
	public InstantSource clock() {
		return this.clock;
	}

	/** The scheduler running this engine's background refreshes. */
	public RefreshScheduler refreshScheduler() {
		return this.scheduler;
	}

	/** Closes within the configured shutdown timeout; see {@link #close(Duration)}. */
	@Override
	public void close() {
		close(this.shutdownTimeout);
	}

	/**
	 * Stops taking refreshes, lets running ones finish within {@code timeout}, interrupts the rest,
	 * and stops every thread this engine started.
	 * @param timeout the grace period for running refreshes
	 * @return {@code true} when everything stopped in time
	 */
	public boolean close(Duration timeout) {
		boolean stopped = this.scheduler.close(timeout);
		if (this.ownClock != null) {
			this.ownClock.close();
		}
		return stopped;
	}

	/** Builds a {@link SwrEngine}. */
	public static final class Builder {

		private @Nullable InstantSource clock;

		private @Nullable Executor refreshExecutor;

		private RefreshScheduler.@Nullable TimeoutTimer timeoutTimer;

		private int maxConcurrentRefreshes = 64;

		private int refreshQueueCapacity = 1000;

		private Duration shutdownTimeout = Duration.ofSeconds(10);

		private SwrLoadListener loadListener = SwrLoadListener.NONE;

		private SwrErrorHandler errorHandler = new LoggingErrorHandler();

		private SwrLoadObserver loadObserver = SwrLoadObserver.NONE;

		private SwrContextCapture contextCapture = SwrContextCapture.NONE;

		private Builder() {
		}

		/** The clock of every cache; by default a {@link CoarseClock} the engine owns and stops. */
		public Builder clock(InstantSource clock) {
			this.clock = Objects.requireNonNull(clock, "clock");
			return this;
		}

		/**
		 * Where background refreshes run; by default a fixed pool of {@code max-concurrent} daemon
		 * threads of the engine's own. The engine never hands this executor more than
		 * {@code max-concurrent} refreshes at a time, counting each until its loader returns (past its
		 * timeout too), so it needs no bound of its own. Cold loads always run on the engine's own
		 * load pool, bounded per cache by {@code max-concurrent-misses}.
		 */
		public Builder refreshExecutor(Executor refreshExecutor) {
			this.refreshExecutor = Objects.requireNonNull(refreshExecutor, "refreshExecutor");
			return this;
		}

		Builder timeoutTimer(RefreshScheduler.TimeoutTimer timeoutTimer) {
			this.timeoutTimer = timeoutTimer;
			return this;
		}

		/** How many background refreshes run at once, over all caches (default 64). */
		public Builder maxConcurrentRefreshes(int maxConcurrentRefreshes) {
			this.maxConcurrentRefreshes = maxConcurrentRefreshes;
			return this;
		}

		/** How many refreshes may wait for a slot before more are skipped (default 1000). */
		public Builder refreshQueueCapacity(int refreshQueueCapacity) {
			this.refreshQueueCapacity = refreshQueueCapacity;
			return this;
		}

		/** How long {@link SwrEngine#close()} lets running refreshes finish (default 10s). */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = EntryWindows.requireNotNegative("refresh.shutdown-timeout", shutdownTimeout);
			return this;
		}

		/** Told of every load of every cache. */
		public Builder loadListener(SwrLoadListener loadListener) {
			this.loadListener = Objects.requireNonNull(loadListener, "loadListener");
			return this;
		}

		/** Told of every store failure; by default one that logs a warning. */
		public Builder errorHandler(SwrErrorHandler errorHandler) {
			this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
			return this;
		}

		/**
		 * Told of each load as it calls the source, for tracing (an Observation per load); none by
		 * default.
		 */
		public Builder loadObserver(SwrLoadObserver loadObserver) {
			this.loadObserver = Objects.requireNonNull(loadObserver, "loadObserver");
			return this;
		}

		/**
		 * Carries a caller's context (MDC, the current trace) to the refreshes and cold loads run for
		 * it on the engine's threads; none by default.
		 */
		public Builder contextCapture(SwrContextCapture contextCapture) {
			this.contextCapture = Objects.requireNonNull(contextCapture, "contextCapture");
			return this;
		}

		/**
		 * The engine.
		 * @throws IllegalArgumentException if a refresh bound is out of range, naming it
		 */
		public SwrEngine build() {
			return new SwrEngine(this);
		}

	}

	/**
	 * Defines one cache of the engine.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 */
	public final class CacheBuilder<K, V> {

		private final String name;

		private SwrPolicy policy = SwrPolicy.DEFAULTS;

		private long maximumSize = 10_000;

		private @Nullable SwrStore<K, V> store;

		private @Nullable CircuitBreaker circuitBreaker;

		private @Nullable Function<Object, CircuitBreaker> circuitBreakers;

		private @Nullable SwrTtlPolicy ttlPolicy;

		private Duration tagCheckInterval = Duration.ofSeconds(1);

		private CacheBuilder(String name) {
			this.name = name;
		}

		/** The cache's policy (default {@link SwrPolicy#DEFAULTS}). */
		public CacheBuilder<K, V> policy(SwrPolicy policy) {
			this.policy = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/** The bound of the default in-memory store (default 10,000 entries). */
		public CacheBuilder<K, V> maximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
			return this;
		}

		/** Where the cache keeps entries; by default a {@link MemoryStore} on the engine's clock. */
		public CacheBuilder<K, V> store(SwrStore<K, V> store) {
			this.store = Objects.requireNonNull(store, "store");
			return this;
		}

		/** The breaker that guards all of this cache's loads; none by default. */
		public CacheBuilder<K, V> circuitBreaker(CircuitBreaker circuitBreaker) {
			this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
			this.circuitBreakers = null;
			return this;
		}

		/**
		 * A breaker per key instead of one per cache: {@code circuitBreakers} is asked for the
		 * breaker of a key at each load, so it should hand out the same breaker for the same key
		 * (from a bounded map) and be fast.
		 */
		public CacheBuilder<K, V> circuitBreakers(Function<Object, CircuitBreaker> circuitBreakers) {
			this.circuitBreakers = Objects.requireNonNull(circuitBreakers, "circuitBreakers");
			this.circuitBreaker = null;
			return this;
		}

		/** Chooses windows per written value; by default the policy's windows serve every value. */
		public CacheBuilder<K, V> ttlPolicy(SwrTtlPolicy ttlPolicy) {
			this.ttlPolicy = Objects.requireNonNull(ttlPolicy, "ttlPolicy");
			return this;
		}

		/**
		 * How long what the cache knows of a tag's evictions serves before the store is asked again
		 * (default 1 second), when the store keeps tag marks ({@link SwrStore#tagMarks()}): the
		 * longest an eviction made on another instance can go unseen here should its message be lost.
		 * {@code 0} asks the store at every read of a tagged entry.
		 */
		public CacheBuilder<K, V> tagCheckInterval(Duration tagCheckInterval) {
			if (tagCheckInterval == null || tagCheckInterval.isNegative()) {
				throw new IllegalArgumentException("'tagCheckInterval' must be zero or positive, was " + tagCheckInterval);
			}
			this.tagCheckInterval = tagCheckInterval;
			return this;
		}

		/**
		 * Builds the cache and registers it under its name.
		 * @throws IllegalArgumentException if the engine has a cache of that name already, or the
		 * maximum size is not positive
		 * @throws IllegalStateException if the engine is closed
		 */
		public SwrCache<K, V> build() {
			if (SwrEngine.this.scheduler.isClosed()) {
				throw new IllegalStateException("Engine is closed; cannot build cache '" + this.name + "'");
			}
			SwrStore<K, V> chosen = (this.store != null) ? this.store
					: new MemoryStore<>(this.maximumSize, SwrEngine.this.clock);
			SwrCache<K, V> cache = new SwrCache<>(this.name, this.policy, chosen, SwrEngine.this.clock,
					SwrEngine.this.scheduler, this.circuitBreaker, this.circuitBreakers, this.ttlPolicy,
					SwrEngine.this.hooks, this.tagCheckInterval);
			if (SwrEngine.this.caches.putIfAbsent(this.name, cache) != null) {
				throw new IllegalArgumentException("Cache '" + this.name + "' is defined twice");
			}
			return cache;
		}

	}

}
