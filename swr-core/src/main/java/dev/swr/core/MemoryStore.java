package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
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

	/** One read in this many (a power of two) is shown to Caffeine's eviction policy; the others are quiet. */
	static final int READ_SAMPLE = 64;

	private final Cache<K, SwrEntry<V>> entries;

	private final Policy<K, SwrEntry<V>> policy;

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
		this(maximumSize, clock, maximumLife, null);
	}

	/**
	 * A store like {@link #MemoryStore(long, InstantSource, Duration)} that tells {@code onEvicted}
	 * of each entry it drops by itself: past its {@code expiresAt} or life cap, or to stay within
	 * {@code maximumSize}. It is not told of {@link #evict}, {@link #clear} or a replacing
	 * {@link #put}. It runs inside the removal, atomically with it, so it must be quick and must not
	 * call this store.
	 * @param maximumSize the bound on entries
	 * @param clock the engine's clock
	 * @param maximumLife the cap on an entry's stay, or {@code null} for none
	 * @param onEvicted told of each key and entry dropped, or {@code null}
	 * @throws IllegalArgumentException if {@code maximumSize} or {@code maximumLife} is not positive
	 */
	public MemoryStore(long maximumSize, InstantSource clock, @Nullable Duration maximumLife,
			@Nullable BiConsumer<? super K, ? super SwrEntry<V>> onEvicted) {
		if (maximumLife != null && (maximumLife.isNegative() || maximumLife.isZero())) {
			throw new IllegalArgumentException("'local-ttl' must be positive but was " + maximumLife);
		}
		if (maximumSize <= 0) {
			throw new IllegalArgumentException("'maximum-size' must be positive but was " + maximumSize);
		}
		if (clock == null) {
			throw new IllegalArgumentException("'clock' must be set");
		}
		Caffeine<K, SwrEntry<V>> builder = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(new UntilExpiresAt<K, V>((maximumLife != null) ? maximumLife.toNanos() : Long.MAX_VALUE))
			.ticker(() -> clock.millis() * NANOS_PER_MILLI)
			// Maintenance on the calling thread: no pool threads to outlive the cache.
			.executor(Runnable::run);
		if (onEvicted != null) {
			builder = builder.evictionListener((K key, SwrEntry<V> entry, RemovalCause cause) -> {
				if (key != null && entry != null) {
					onEvicted.accept(key, entry);
				}
			});
		}
		this.entries = builder.build();
		this.policy = this.entries.policy();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Most reads are Caffeine's quiet reads ({@link Policy#getIfPresentQuietly}): a map lookup and an
	 * expiry check, about a fifth of the cost of a read that also feeds the eviction policy and the
	 * variable-expiry bookkeeping (whose result on a read is always "unchanged" here). One read in
	 * {@value #READ_SAMPLE}, chosen at random per thread, is a full read, so the frequency sketch
	 * still ranks keys by how often they are read (and written), at a 64th of the read counts. Full
	 * reads of one hot key from several threads contend on Caffeine's read buffer and maintenance;
	 * at one in 16 they doubled the cost of a hit on two threads, at one in 64 they do not.
	 */
	@Override
	public @Nullable SwrEntry<V> get(K key) {
		if ((ThreadLocalRandom.current().nextInt() & (READ_SAMPLE - 1)) == 0) {
			return this.entries.getIfPresent(key);
		}
		return this.policy.getIfPresentQuietly(key);
	}

	@Override
	public void put(K key, SwrEntry<V> entry) {
		this.entries.put(key, entry);
	}

	/**
	 * Whether the store holds an entry of {@code key} now, without counting as a read: for a tier
	 * that keeps an index beside this store and must tell whether the entry it just wrote was
	 * dropped again (for size or age) before the index learned of it.
	 * @param key the key
	 * @return whether an entry of {@code key} is held
	 */
	public boolean holds(K key) {
		return this.policy.getIfPresentQuietly(key) != null;
	}

	@Override
	public void evict(K key) {
		this.entries.invalidate(key);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Key by key, so the answer counts only live entries: {@code invalidateAll} does not tell, and
	 * {@code estimatedSize} also counts entries past their {@code expiresAt} that Caffeine has not
	 * dropped yet (its key iterator skips them).
	 */
	@Override
	public boolean clear() {
		return this.entries.asMap().keySet().removeIf((key) -> true);
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
