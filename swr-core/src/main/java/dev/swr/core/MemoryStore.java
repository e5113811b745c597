package dev.swr.core;

import java.time.InstantSource;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import org.jspecify.annotations.Nullable;

/**
 * The default store: entry objects in a size-bounded Caffeine cache that drops each entry at its
 * {@code expiresAt}. A read returns the stored object itself, so a hit neither decodes nor allocates.
 * Caffeine's clock is the engine's, so a test that advances a fake clock sees entries expire.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class MemoryStore<K, V> implements SwrStore<K, V> {

	private static final long NANOS_PER_MILLI = 1_000_000L;

	private final Cache<K, SwrEntry<V>> entries;

	/**
	 * A store holding at most {@code maximumSize} entries.
	 * @param maximumSize the bound on entries; the least valuable are evicted past it
	 * @param clock the engine's clock, which decides when entries expire
	 * @throws IllegalArgumentException if {@code maximumSize} is not positive
	 */
	public MemoryStore(long maximumSize, InstantSource clock) {
		if (maximumSize <= 0) {
			throw new IllegalArgumentException("'maximum-size' must be positive but was " + maximumSize);
		}
		if (clock == null) {
			throw new IllegalArgumentException("'clock' must be set");
		}
		this.entries = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(new UntilExpiresAt<K, V>())
			.ticker(() -> clock.millis() * NANOS_PER_MILLI)
			// Maintenance on the calling thread: no pool threads to outlive the cache.
			.executor(Runnable::run)
			.build();
	}

	@Override
	public @Nullable SwrEntry<V> get(K key) {
		return this.entries.getIfPresent(key);
	}

	@Override
	public void put(K key, SwrEntry<V> entry) {
		this.entries.put(key, entry);
	}

	@Override
	public void evict(K key) {
		this.entries.invalidate(key);
	}

	@Override
	public void clear() {
		this.entries.invalidateAll();
	}

	@Override
	public long estimatedSize() {
		return this.entries.estimatedSize();
	}

	@Override
	public String kind() {
		return "memory";
	}

	/** Each entry lives until its own {@code expiresAt}, whatever reads it in between. */
	private static final class UntilExpiresAt<K, V> implements Expiry<K, SwrEntry<V>> {

		@Override
		public long expireAfterCreate(K key, SwrEntry<V> entry, long currentTime) {
			return remaining(entry, currentTime);
		}

		@Override
		public long expireAfterUpdate(K key, SwrEntry<V> entry, long currentTime, long currentDuration) {
			return remaining(entry, currentTime);
		}

		@Override
		public long expireAfterRead(K key, SwrEntry<V> entry, long currentTime, long currentDuration) {
			return currentDuration;
		}

		private static long remaining(SwrEntry<?> entry, long currentTime) {
			if (entry.expiresAt() >= Long.MAX_VALUE / NANOS_PER_MILLI) {
				return Long.MAX_VALUE;
			}
			return Math.max(0, entry.expiresAt() * NANOS_PER_MILLI - currentTime);
		}

	}

}
