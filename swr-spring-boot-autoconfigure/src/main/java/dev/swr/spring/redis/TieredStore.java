package dev.swr.spring.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

import org.jspecify.annotations.Nullable;

import dev.swr.core.MemoryStore;
import dev.swr.core.SharedStore;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException;
import dev.swr.core.TagMarkStore;

/**
 * The {@code tiered} store: a Caffeine first tier in this JVM (each entry kept at most
 * {@code swr.tiered.local-ttl}) in front of the shared Redis store. A first-tier hit never touches
 * Redis, so a dead Redis leaves hot keys answering. Every write and evict is published on the
 * invalidation channel, and the other instances drop the key from their first tier.
 * <p>
 * The first tier is keyed by the keys themselves, so a hit costs what a memory-store hit costs and
 * allocates nothing. Invalidation messages carry a key's string form (as Redis does), so the store
 * keeps an index from string form to key for the entries of its first tier. The index is written
 * after the first tier and cleared before it, and Caffeine reports its own evictions atomically,
 * so whenever the first tier holds a key the index names it: a message never misses an entry.
 */
final class TieredStore implements SharedStore<Object, Object> {

	private static final int DROP_STRIPES = 64;

	private final String cacheName;

	private final MemoryStore<Object, Object> local;

	/** String form → key, for every key of the first tier (and, briefly, some it just dropped). */
	private final ConcurrentHashMap<String, Object> keysByText = new ConcurrentHashMap<>();

	private final RedisStore shared;

	private final RedisInvalidations invalidations;

	/**
	 * Counts the first-tier drops per stripe of string forms (and all of them on a clear): a read of
	 * Redis keeps what it read in the first tier only if no drop of its key came in meanwhile.
	 */
	private final AtomicLongArray drops = new AtomicLongArray(DROP_STRIPES);

	/** Runs between the steps of a read or a first-tier write; for tests of the races between them. */
	private volatile @Nullable Runnable betweenSteps;

	/**
	 * A tiered store over {@code shared}.
	 * @param cacheName the cache's name, which invalidation messages carry
	 * @param maximumSize the bound on first-tier entries
	 * @param clock the engine's clock
	 * @param localTtl {@code swr.tiered.local-ttl}: the longest a first-tier entry is kept
	 * @param shared the Redis store
	 * @param invalidations where writes and evicts are published
	 */
	TieredStore(String cacheName, long maximumSize, InstantSource clock, @Nullable Duration localTtl, RedisStore shared,
			RedisInvalidations invalidations) {
		this.cacheName = cacheName;
		this.local = new MemoryStore<>(maximumSize, clock, localTtl,
				(key, entry) -> this.keysByText.remove(String.valueOf(key), key));
		this.shared = shared;
		this.invalidations = invalidations;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * A first-tier miss reads Redis and keeps the entry in the first tier, unless an invalidation of
	 * the key arrived while Redis was read: then the entry (maybe the one just replaced) is returned
	 * for this read only, and not kept to be served up to {@code local-ttl}.
	 */
	@Override
	public @Nullable SwrEntry<Object> get(Object key) {
		SwrEntry<Object> entry = this.local.get(key);
		if (entry != null) {
			return entry;
		}
		String text = String.valueOf(key);
		long seen = dropsOf(text);
		return fill(key, text, seen, this.shared.get(key));
	}

	/** Like {@link #get}: the first tier at once, Redis without blocking the caller. */
	@Override
	public CompletableFuture<@Nullable SwrEntry<Object>> getAsync(Object key) {
		SwrEntry<Object> entry = this.local.get(key);
		if (entry != null) {
			return CompletableFuture.completedFuture(entry);
		}
		String text = String.valueOf(key);
		long seen = dropsOf(text);
		return this.shared.getAsync(key).thenApply((read) -> fill(key, text, seen, read));
	}

	@Override
	public boolean blocksOnRead() {
		return true;
	}

	/** Keeps what a read of Redis found in the first tier, unless a drop of its key came meanwhile. */
	private @Nullable SwrEntry<Object> fill(Object key, String text, long seen, @Nullable SwrEntry<Object> entry) {
		step();
		if (entry != null && dropsOf(text) == seen) {
			putLocal(key, text, entry);
			if (dropsOf(text) != seen) {
				// Dropped while we were filling it in: the drop may have missed what we put.
				evictLocal(key, text);
			}
		}
		return entry;
	}

	@Override
	public void put(Object key, SwrEntry<Object> entry) {
		String text = String.valueOf(key);
		putLocal(key, text, entry);
		try {
			this.shared.put(key, entry);
		}
		finally {
			this.invalidations.publishEvict(this.cacheName, text, SwrStoreException.Operation.PUT);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Redis first: only a write it took goes into the first tier (and then only if no drop of the
	 * key came in meanwhile, as for a read). A refused write drops the key from the first tier, whose
	 * entry is older than what Redis holds. Should Redis fail, the first tier keeps the entry, as for
	 * {@link #put}.
	 */
	@Override
	public boolean putFenced(Object key, SwrEntry<Object> entry, String lease) {
		String text = String.valueOf(key);
		long seen = dropsOf(text);
		boolean written;
		try {
			written = this.shared.putFenced(key, entry, lease);
		}
		catch (RuntimeException ex) {
			putLocal(key, text, entry);
			throw ex;
		}
		if (!written) {
			evictLocal(key, text);
			return false;
		}
		fill(key, text, seen, entry);
		this.invalidations.publishEvict(this.cacheName, text, SwrStoreException.Operation.PUT);
		return true;
	}

	@Override
	public void evict(Object key) {
		String text = String.valueOf(key);
		evictLocal(key, text);
		try {
			this.shared.evict(key);
		}
		finally {
			this.invalidations.publishEvict(this.cacheName, text, SwrStoreException.Operation.EVICT);
		}
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Whether either tier removed an entry: Redis may hold entries the first tier never saw
	 * (written by another instance), and the first tier may hold one Redis already dropped.
	 */
	@Override
	public boolean clear() {
		boolean removedLocally = clearLocal();
		try {
			return this.shared.clear() | removedLocally;
		}
		finally {
			this.invalidations.publishClear(this.cacheName);
		}
	}

	@Override
	public long estimatedSize() {
		return this.local.estimatedSize();
	}

	@Override
	public String kind() {
		return "tiered";
	}

	/** The marks are Redis's: the first tier holds entries, and the engine checks their tags on every read. */
	@Override
	public TagMarkStore tagMarks() {
		return this.shared.tagMarks();
	}

	@Override
	public @Nullable String tryLease(Object key, Duration ttl) {
		return this.shared.tryLease(key, ttl);
	}

	@Override
	public CompletableFuture<@Nullable String> tryLeaseAsync(Object key, Duration ttl) {
		return this.shared.tryLeaseAsync(key, ttl);
	}

	@Override
	public void releaseLease(Object key, String token) {
		this.shared.releaseLease(key, token);
	}

	@Override
	public Duration lockWait() {
		return this.shared.lockWait();
	}

	/** Whether Redis answers now; the first tier answers either way. */
	@Override
	public boolean isReachable() {
		return this.shared.isReachable();
	}

	/** Drops the key whose string form is {@code text} from the first tier only (another instance changed it). */
	void dropLocal(String text) {
		// Counted first: a read of Redis under way then knows not to keep what it read.
		this.drops.incrementAndGet(stripe(text));
		Object key = this.keysByText.remove(text);
		if (key != null) {
			this.local.evict(key);
		}
	}

	/** Removes {@code key} from the first tier and its index: the index cleared before the tier, as the class says. */
	private void evictLocal(Object key, String text) {
		this.keysByText.remove(text, key);
		this.local.evict(key);
	}

	/** Empties the first tier only, telling whether it held an entry. */
	boolean clearLocal() {
		for (int i = 0; i < DROP_STRIPES; i++) {
			this.drops.incrementAndGet(i);
		}
		this.keysByText.clear();
		return this.local.clear();
	}

	/**
	 * The first tier first, then the index: a reader of the index never misses a key the tier
	 * holds. Should the tier drop the entry (for size or age) before the index has it, the drop's
	 * callback found nothing to remove: the index entry is then removed here, so none is orphaned.
	 */
	private void putLocal(Object key, String text, SwrEntry<Object> entry) {
		this.local.put(key, entry);
		step();
		Object previous = this.keysByText.put(text, key);
		if (previous != null && !previous.equals(key)) {
			// Another key with the same string form (42 and "42"): one Redis entry, so one local entry.
			this.local.evict(previous);
		}
		if (!this.local.holds(key)) {
			this.keysByText.remove(text, key);
		}
	}

	private long dropsOf(String text) {
		return this.drops.get(stripe(text));
	}

	private static int stripe(String text) {
		return text.hashCode() & (DROP_STRIPES - 1);
	}

	private void step() {
		Runnable hook = this.betweenSteps;
		if (hook != null) {
			hook.run();
		}
	}

	/** Runs {@code hook} between the steps of reads and first-tier writes; for tests of their races. */
	void betweenSteps(@Nullable Runnable hook) {
		this.betweenSteps = hook;
	}

	/** How many string forms the index holds; for tests. */
	int indexedKeys() {
		return this.keysByText.size();
	}

	String cacheName() {
		return this.cacheName;
	}

}
