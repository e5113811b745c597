package dev.swr.core;

import java.time.Duration;
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
		this(maximumSize, clock, null);
	}

	/**
	 * A store holding at most {@code maximumSize} entries, each for at most {@code maximumLife} after
	 * it was put, even if its {@code expiresAt} is later: the first tier of a tiered store, which
	 * must not serve a value for long after another instance replaced it.
	 * @param maximumSize the bound on entries
	 * @param clock the engine's clock
	 * @param maximumLife the cap on an entry's stay, or {@code null} for none
	 * @throws IllegalArgumentException if {@code maximumSize} or {@code maximumLife} is not positive
	 */
	public MemoryStore(long maximumSize, InstantSource clock, @Nullable Duration maximumLife) {
		if (maximumLife != null && (maximumLife.isNegative() || maximumLife.isZero())) {
			throw new IllegalArgumentException("'local-ttl' must be positive but was " + maximumLife);
		}
		if (maximumSize <= 0) {
			throw new IllegalArgumentException("'maximum-size' must be positive but was " + maximumSize);
		}
		if (clock == null) {
			throw new IllegalArgumentException("'clock' must be set");
		}
		this.entries = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(new UntilExpiresAt<K, V>((maximumLife != null) ? maximumLife.toNanos() : Long.MAX_VALUE))
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

	/** Each entry lives until its own {@code expiresAt} (or the life cap), whatever reads it in between. */
	private static final class UntilExpiresAt<K, V> implements Expiry<K, SwrEntry<V>> {

		private final long maximumLifeNanos;

		UntilExpiresAt(long maximumLifeNanos) {
			this.maximumLifeNanos = maximumLifeNanos;
		}

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

		private long remaining(SwrEntry<?> entry, long currentTime) {
			long untilExpiry = (entry.expiresAt() >= Long.MAX_VALUE / NANOS_PER_MILLI) ? Long.MAX_VALUE
					: Math.max(0, entry.expiresAt() * NANOS_PER_MILLI - currentTime);
			return Math.min(untilExpiry, this.maximumLifeNanos);
		}

	}

}
