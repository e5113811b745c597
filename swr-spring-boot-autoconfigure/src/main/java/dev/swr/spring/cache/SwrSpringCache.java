package dev.swr.spring.cache;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;
import org.springframework.cache.support.SimpleValueWrapper;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrContextLoader;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStatus;

/**
 * Spring's {@link Cache} view of a {@link SwrCache}, keeping the {@code Cache} javadoc in full.
 * <p>
 * The reads with a loader, {@link #get(Object, Callable)} (what {@code @Cacheable(sync = true)}
 * calls) and {@link #retrieve(Object, Supplier)}, have full stale-while-revalidate semantics. The
 * reads without one, {@link #get(Object)}, {@link #get(Object, Class)}, {@link #retrieve(Object)}
 * and {@link #putIfAbsent}, have no way to refresh, so they answer only with fresh entries: a stale
 * key is no mapping to them, and {@code @Cacheable} without {@code sync} reloads it on the caller's
 * thread. The removals, {@link #evictIfPresent} and {@link #invalidate}, tell whether they removed
 * any entry, stale ones included, since a read with a loader would still have served it.
 * <p>
 * A put replaces the old value even when the store refuses the write: the old entry is then evicted
 * rather than served in place of the new one. Nulls, and Spring's {@link NullValue} marker, are
 * cached as nulls when the cache's policy caches nulls; otherwise putting one is refused, as Spring's
 * own caches do, while a null that a loader returns is handed back and not cached, as for an
 * annotated method.
 */
public final class SwrSpringCache implements Cache {

	/**
	 * Calls the Spring loader handed in as the context: one shared loader, so a hit allocates none.
	 * The wrapping happens inside the load, so the engine's own exceptions (circuit open) stay
	 * unwrapped while every waiter of a shared load gets the same ValueRetrievalException.
	 */
	private static final SwrContextLoader<Object, Callable<?>, Object> CALL_LOADER = (key, valueLoader) -> {
		try {
			return withoutNullMarker(valueLoader.call());
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	};

	private final SwrCache<Object, Object> cache;

	SwrSpringCache(SwrCache<Object, Object> cache) {
		this.cache = cache;
	}

	@Override
	public String getName() {
		return this.cache.name();
	}

	@Override
	public SwrCache<Object, Object> getNativeCache() {
		return this.cache;
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		SwrEntry<Object> entry = this.cache.getEntry(key);
		return (entry != null && isFresh(entry)) ? new SimpleValueWrapper(entry.value()) : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		ValueWrapper wrapper = get(key);
		Object value = (wrapper != null) ? wrapper.get() : null;
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException("Cached value of key '" + key + "' in cache '" + getName()
					+ "' is not of required type [" + type.getName() + "]: " + value.getClass().getName());
		}
		return (T) value;
	}

	/**
	 * The value of {@code key} with full stale-while-revalidate semantics, as
	 * {@code @Cacheable(sync = true)} asks for it; the status of the read is tracked for
	 * {@link SwrStatus#last()} and the status header, as for an annotated method.
	 * @throws ValueRetrievalException if {@code valueLoader} throws, with its exception as the cause
	 */
	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		return (T) this.cache.getTracked(key, valueLoader, CALL_LOADER, null);
	}

	/**
	 * A future completed with the {@link ValueWrapper} of the fresh entry of {@code key}, or
	 * {@code null} when there is none. The wrapper, not the bare value: a future completed with
	 * {@code null} would mean a miss found late, and a cached null would be loaded again.
	 */
	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		if (this.cache.inspect().storeBlocksOnRead()) {
			// A remote store is read without blocking the caller: a late miss completes with null.
			return this.cache.getEntryAsync(key)
				.thenApply((entry) -> (entry != null && isFresh(entry)) ? new SimpleValueWrapper(entry.value()) : null);
		}
		ValueWrapper wrapper = get(key);
		return (wrapper != null) ? CompletableFuture.completedFuture(wrapper) : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		return this.cache.getAsync(key, (k) -> valueLoader.get().thenApply(SwrSpringCache::withoutNullMarker))
			.thenApply((result) -> (T) result.value());
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		Object cached = withoutNullMarker(value);
		requireAllowed(key, cached);
		this.cache.put(key, cached);
	}

	/**
	 * Writes {@code value} unless {@link #get(Object)} answers the key, and returns that answer: a
	 * stale entry, which {@code get} does not answer, is replaced. A check and a put, not one atomic
	 * step: two callers (or two instances sharing a store) may both write.
	 */
	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		ValueWrapper existing = get(key);
		if (existing == null) {
			put(key, value);
		}
		return existing;
	}

	@Override
	public void evict(Object key) {
		this.cache.evict(key);
	}

	/**
	 * Removes the entry of {@code key} and tells whether there was one, fresh or stale; {@code false}
	 * also when the store could not be read.
	 */
	@Override
	public boolean evictIfPresent(Object key) {
		boolean present = this.cache.getEntry(key) != null;
		this.cache.evict(key);
		return present;
	}

	@Override
	public void clear() {
		this.cache.clear();
	}

	/**
	 * Removes every entry, and tells whether there was one: {@code false} also when the store could
	 * not be cleared (Redis unreachable), since nothing is then known to be invisible.
	 */
	@Override
	public boolean invalidate() {
		return this.cache.clear();
	}

	/**
	 * {@code null} for Spring's null marker, which Spring's own caches store in place of a null and
	 * some callers hand in: it is cached as the null it stands for, never as an object.
	 */
	private static @Nullable Object withoutNullMarker(@Nullable Object value) {
		return (value instanceof NullValue) ? null : value;
	}

	private boolean isFresh(SwrEntry<Object> entry) {
		return entry.statusAt(this.cache.inspect().clock().millis()) == SwrStatus.HIT;
	}

	private void requireAllowed(Object key, @Nullable Object value) {
		if (value == null && !this.cache.policy().cacheNulls()) {
			// Spring's own words, so the message reads as from any Spring cache, plus our setting.
			throw new IllegalArgumentException("Cache '" + getName() + "' is configured to not allow null values "
					+ "but null was provided for key '" + key + "' (cache-nulls: false)");
		}
	}

	@Override
	public String toString() {
		return "SwrSpringCache[" + getName() + "]";
	}

}
