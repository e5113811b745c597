package dev.swr.spring.actuate;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.core.convert.ConversionException;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.util.ClassUtils;

import dev.swr.core.LoadOutcome;
import dev.swr.core.LoadTrigger;
import dev.swr.core.SkipReason;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrStats;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;
import dev.swr.spring.cache.SwrSpringCache;

/**
 * The {@code swr} Actuator endpoint: each cache's store, policy, counts and circuit breaker, and
 * operations to clear a cache or evict one key. It never shows a cached value.
 * <p>
 * Caches are created on first use, so a cache no call has used yet is not listed. A key given in
 * a path is text; it is converted to the type of the key parameter of the cache's
 * {@code @StaleWhileRevalidate} methods ({@code key = "#id"} on a {@code long id}: a {@code Long})
 * with Spring's {@link DefaultConversionService}, and used as text when no such type is known.
 */
@Endpoint(id = "swr")
public class SwrEndpoint {

	private final SwrCacheManager cacheManager;

	private final @Nullable SwrCircuitBreakers circuitBreakers;

	private final ConversionService conversionService = DefaultConversionService.getSharedInstance();

	/**
	 * An endpoint over the caches of {@code cacheManager}.
	 * @param cacheManager the manager whose caches to show
	 * @param circuitBreakers the breakers per key, if that is the scope; {@code null} otherwise
	 */
	public SwrEndpoint(SwrCacheManager cacheManager, @Nullable SwrCircuitBreakers circuitBreakers) {
		this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
		this.circuitBreakers = circuitBreakers;
	}

	/** Every cache created so far, by name. */
	@ReadOperation
	public CachesDescriptor caches() {
		Map<String, CacheDescriptor> caches = new TreeMap<>();
		for (String name : this.cacheManager.getCacheNames()) {
			CacheDescriptor descriptor = cache(name);
			if (descriptor != null) {
				caches.put(name, descriptor);
			}
		}
		return new CachesDescriptor(caches);
	}

	/** The cache named {@code cache}, or {@code null} (404 over HTTP) when there is none. */
	@ReadOperation
	public @Nullable CacheDescriptor cache(@Selector String cache) {
		SwrSpringCache found = this.cacheManager.getExistingCache(cache);
		return (found != null) ? describe(found.getNativeCache()) : null;
	}

	/**
	 * Removes every entry of {@code cache}.
	 * @return whether there was such a cache
	 * @throws SwrStoreException if its store could not be cleared (Redis down or too slow), so the
	 * operator is not told it was
	 */
	@DeleteOperation
	public boolean clear(@Selector String cache) {
		SwrSpringCache found = this.cacheManager.getExistingCache(cache);
		if (found == null) {
			return false;
		}
		found.getNativeCache().clearOrThrow();
		return true;
	}

	/**
	 * Removes the entry of {@code key} from {@code cache}.
	 * @return what was evicted, or {@code null} when there is no such cache
	 * @throws InvalidEndpointRequestException (400 over HTTP) if the key does not convert to the
	 * cache's key type
	 */
	@DeleteOperation
	/**
	 * Evicts every entry of {@code cache} carrying {@code tag}, on every instance sharing its store.
	 * @param cache the cache
	 * @param tag the tag
	 * @param soft whether the entries become stale (served and refreshed) rather than absent
	 * @return what was evicted, or {@code null} for an unknown cache
	 * @throws dev.swr.core.SwrStoreException if the shared store could not record it: it holds on
	 * this instance only
	 */
	public @Nullable TagEvictionDescriptor evictTag(String cache, String tag, boolean soft) {
		SwrSpringCache found = this.cacheManager.getExistingCache(cache);
		if (found == null) {
			return null;
		}
		found.getNativeCache().evictByTagOrThrow(tag, soft);
		return new TagEvictionDescriptor(cache, tag, soft);
	}

	public @Nullable EvictionDescriptor evict(@Selector String cache, @Selector String key) {
		SwrSpringCache found = this.cacheManager.getExistingCache(cache);
		if (found == null) {
			return null;
		}
		Object typedKey = toKey(cache, key);
		boolean present = found.getNativeCache().getEntry(typedKey) != null;
		found.evict(typedKey);
		return new EvictionDescriptor(cache, key, typedKey.getClass().getName(), present);
	}

	private Object toKey(String cache, String key) {
		Class<?> type = this.cacheManager.getKeyType(cache);
		if (type == null || !this.conversionService.canConvert(String.class, type)) {
			return key;
		}
		try {
			Object converted = this.conversionService.convert(key, type);
			return (converted != null) ? converted : key;
		}
		catch (ConversionException ex) {
			// The reason is what the HTTP answer shows: the key and the type it must convert to.
			String reason = "Key '" + key + "' of cache '" + cache + "' is not a "
					+ ClassUtils.resolvePrimitiveIfNecessary(type).getSimpleName();
			throw new InvalidEndpointRequestException(reason + ": " + ex.getMostSpecificCause().getMessage(), reason);
		}
	}

	private CacheDescriptor describe(SwrCache<?, ?> cache) {
		SwrStats stats = cache.stats();
		long size = cache.inspect().estimatedSize();
		return new CacheDescriptor(cache.name(), cache.inspect().storeKind(), (size >= 0) ? size : null,
				PolicyDescriptor.of(cache.policy()), gets(stats), loads(stats), skips(stats), storeErrors(stats),
				stats.puts(), stats.evictions(), cache.inspect().loadsInFlight(),
				new MissesDescriptor(cache.inspect().missesInFlight(), stats.missesRejected(), stats.missesTimedOut()),
				breaker(cache));
	}

	private static Map<String, Long> gets(SwrStats stats) {
		Map<String, Long> gets = new LinkedHashMap<>();
		for (SwrStatus status : SwrStatus.values()) {
			gets.put(status.tag(), stats.gets(status));
		}
		return Collections.unmodifiableMap(gets);
	}

	private static Map<String, Map<String, Long>> loads(SwrStats stats) {
		Map<String, Map<String, Long>> loads = new LinkedHashMap<>();
		for (LoadTrigger trigger : LoadTrigger.values()) {
			Map<String, Long> perOutcome = new LinkedHashMap<>();
			for (LoadOutcome outcome : LoadOutcome.values()) {
				perOutcome.put(outcome.tag(), stats.loads(trigger, outcome));
			}
			loads.put(trigger.tag(), Collections.unmodifiableMap(perOutcome));
		}
		return Collections.unmodifiableMap(loads);
	}

	private static Map<String, Long> skips(SwrStats stats) {
		Map<String, Long> skips = new LinkedHashMap<>();
		for (SkipReason reason : SkipReason.values()) {
			skips.put(reason.tag(), stats.skips(reason));
		}
		return Collections.unmodifiableMap(skips);
	}

	/** Only the operations and reasons that happened: most stores never fail most ways. */
	private static Map<String, Map<String, Long>> storeErrors(SwrStats stats) {
		Map<String, Map<String, Long>> errors = new LinkedHashMap<>();
		for (SwrStoreException.Operation operation : SwrStoreException.Operation.values()) {
			Map<String, Long> perReason = new LinkedHashMap<>();
			for (SwrStoreException.Reason reason : SwrStoreException.Reason.values()) {
				long count = stats.storeErrors(operation, reason);
				if (count > 0) {
					perReason.put(reason.tag(), count);
				}
			}
			if (!perReason.isEmpty()) {
				errors.put(operation.tag(), Collections.unmodifiableMap(perReason));
			}
		}
		return Collections.unmodifiableMap(errors);
	}

	private @Nullable CircuitBreakerDescriptor breaker(SwrCache<?, ?> cache) {
		CircuitBreaker breaker = cache.inspect().circuitBreaker();
		if (breaker != null) {
			CircuitBreaker.Metrics metrics = breaker.getMetrics();
			return new CircuitBreakerDescriptor("cache", breaker.getName(), breaker.getState().name(),
					metrics.getFailureRate(), metrics.getNumberOfBufferedCalls(), metrics.getNumberOfFailedCalls(),
					metrics.getNumberOfNotPermittedCalls(), null);
		}
		if (this.circuitBreakers != null && this.circuitBreakers.scope() == SwrCircuitBreakers.Scope.KEY) {
			return CircuitBreakerDescriptor.perKey(this.circuitBreakers.keyBreakers(cache.name()));
		}
		return null;
	}

	/**
	 * Every cache created so far.
	 *
	 * @param caches the caches by name
	 */
	public record CachesDescriptor(Map<String, CacheDescriptor> caches) implements OperationResponseBody {

		/** Copies the map so the descriptor stays immutable. */
		public CachesDescriptor {
			caches = Collections.unmodifiableMap(new TreeMap<>(caches));
		}

	}

	/**
	 * One cache, without its values.
	 *
	 * @param name the cache name
	 * @param store the kind of store ({@code memory}, {@code redis}, ...)
	 * @param size the approximate number of entries, or {@code null} when the store cannot tell
	 * @param policy the windows and refresh settings
	 * @param gets reads per status
	 * @param loads loads per trigger and outcome
	 * @param skips due loads not started, per reason
	 * @param storeErrors store failures per operation and reason (only those that happened)
	 * @param puts entries written
	 * @param evictions keys evicted
	 * @param loadsInFlight loads running now
	 * @param misses the cold loads: running, refused and waited out
	 * @param circuitBreaker the breaker(s) guarding loads, or {@code null} when none
	 */
	public record CacheDescriptor(String name, String store, @Nullable Long size, PolicyDescriptor policy,
			Map<String, Long> gets, Map<String, Map<String, Long>> loads, Map<String, Long> skips,
			Map<String, Map<String, Long>> storeErrors, long puts, long evictions, int loadsInFlight,
			MissesDescriptor misses, @Nullable CircuitBreakerDescriptor circuitBreaker) implements OperationResponseBody {

	}

	/**
	 * A cache's cold loads.
	 *
	 * @param inFlight cold loads holding one of the cache's {@code max-concurrent-misses} permits now
	 * @param rejected callers refused at once ({@code SwrLoadRejectedException}) since startup
	 * @param timedOut callers that gave up after {@code miss-timeout} ({@code SwrLoadTimeoutException})
	 */
	public record MissesDescriptor(int inFlight, long rejected, long timedOut) {

	}

	/**
	 * A cache's policy, durations in ISO-8601 ({@code PT30S}).
	 *
	 * @param fresh the fresh window
	 * @param stale the stale window
	 * @param expired the expired window
	 * @param expiredWait how long a reader of an expired entry waits for its refresh
	 * @param refreshTimeout the bound on each load
	 * @param refreshBackoff the first pause after a failed refresh
	 * @param refreshBackoffMax the longest pause
	 * @param jitter the largest fraction the fresh window is shortened by
	 * @param cacheNulls whether null results are cached
	 * @param missTimeout how long a cold reader waits for its load ({@code PT0S}: on its own thread, unbounded)
	 * @param maxConcurrentMisses how many cold loads run at once
	 */
	public record PolicyDescriptor(String fresh, String stale, String expired, String expiredWait,
			String refreshTimeout, String refreshBackoff, String refreshBackoffMax, double jitter, boolean cacheNulls,
			String missTimeout, int maxConcurrentMisses) {

		static PolicyDescriptor of(SwrPolicy policy) {
			return new PolicyDescriptor(policy.windows().fresh().toString(), policy.windows().stale().toString(),
					policy.windows().expired().toString(), policy.expiredWait().toString(),
					policy.refreshTimeout().toString(), policy.refreshBackoff().toString(),
					policy.refreshBackoffMax().toString(), policy.jitter(), policy.cacheNulls(),
					policy.missTimeout().toString(), policy.maxConcurrentMisses());
		}

	}

	/**
	 * The circuit breaker of a cache ({@code scope = cache}), or a summary of its breakers per key
	 * ({@code scope = key}: only {@code keyStates} is set).
	 *
	 * @param scope {@code cache} or {@code key}
	 * @param name the breaker's name (the cache name), or {@code null} per key
	 * @param state the breaker's state, or {@code null} per key
	 * @param failureRate the failure rate in percent, {@code -1} until the minimum number of calls
	 * @param bufferedCalls the calls in the sliding window
	 * @param failedCalls the failed calls in the sliding window
	 * @param notPermittedCalls the calls refused while open
	 * @param keyStates per key: how many breakers are in each state, or {@code null} per cache
	 */
	public record CircuitBreakerDescriptor(String scope, @Nullable String name, @Nullable String state,
			float failureRate, int bufferedCalls, int failedCalls, long notPermittedCalls,
			@Nullable Map<String, Long> keyStates) {

		static CircuitBreakerDescriptor perKey(List<CircuitBreaker> breakers) {
			Map<CircuitBreaker.State, Long> counts = new EnumMap<>(CircuitBreaker.State.class);
			for (CircuitBreaker breaker : breakers) {
				counts.merge(breaker.getState(), 1L, Long::sum);
			}
			Map<String, Long> states = new LinkedHashMap<>();
			counts.forEach((state, count) -> states.put(state.name(), count));
			return new CircuitBreakerDescriptor("key", null, null, -1, 0, 0, 0, Collections.unmodifiableMap(states));
		}

	}

	/**
	 * A tag evicted through the endpoint; it says nothing of the entries, which are not looked up.
	 *
	 * @param cache the cache
	 * @param tag the tag
	 * @param soft whether its entries were made stale rather than absent
	 */
	public record TagEvictionDescriptor(String cache, String tag, boolean soft) implements OperationResponseBody {

	}

	/**
	 * A key evicted through the endpoint.
	 *
	 * @param cache the cache
	 * @param key the key as given
	 * @param keyType the type it was converted to
	 * @param present whether the cache held an entry for it
	 */
	public record EvictionDescriptor(String cache, String key, String keyType, boolean present)
			implements OperationResponseBody {

	}

}
