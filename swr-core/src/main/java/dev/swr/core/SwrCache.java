package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * One named stale-while-revalidate cache. Obtain one from {@link SwrEngine#newCache(String)}.
 * <p>
 * A read of a key is answered by the age of its entry:
 * <ul>
 * <li>fresh: the value, {@link SwrStatus#HIT};</li>
 * <li>stale: the value at once, {@link SwrStatus#STALE}, while at most one background refresh of
 * the key runs on the engine's {@link RefreshScheduler};</li>
 * <li>expired: the reader starts or joins the refresh and waits up to {@code expired-wait}: the new
 * value ({@link SwrStatus#MISS}), the old one if the source failed, is backing off or its breaker is
 * open ({@link SwrStatus#FALLBACK}), or the old one if the wait ran out
 * ({@link SwrStatus#EXPIRED});</li>
 * <li>absent: the reader loads, {@link SwrStatus#MISS}; concurrent readers of the key share that
 * one load, and its exception reaches each of them unchanged. A reader waits at most
 * {@code miss-timeout} ({@link SwrLoadTimeoutException}; the load goes on and is stored), and one
 * that finds {@code max-concurrent-misses} cold loads running is refused at once
 * ({@link SwrLoadRejectedException}).</li>
 * </ul>
 * A store failure is never seen by a reader: a failed read is a miss, a failed write is dropped,
 * and both are counted and reported to the engine's {@link SwrErrorHandler}.
 * <p>
 * This class holds the fresh-hit path; everything past it is the package's
 * {@code Revalidator}, whose loads all end through one exit, so that nothing thrown on the way (an
 * {@code unless}, a TTL policy, a serializer, a store) can leave a key stuck.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SwrCache<K, V> {

	private final String name;

	private final SwrPolicy policy;

	private final SwrStore<K, V> store;

	private final GuardedStore<K, V> guarded;

	private final InstantSource clock;

	private final SwrStats stats = new SwrStats();

	private final Revalidator<K, V> revalidator;

	private final SwrInspection inspection = new Inspection();

	private final @Nullable CircuitBreaker breaker;

	private final TagLedger tags;

	private final BatchReads<K, V> batches;

	/** Whether the store may wait on I/O: asynchronous callers then read it asynchronously. */
	private final boolean readsBlock;

	SwrCache(String name, SwrPolicy policy, SwrStore<K, V> store, InstantSource clock, RefreshScheduler scheduler,
			@Nullable CircuitBreaker breaker, @Nullable Function<Object, CircuitBreaker> breakers,
			@Nullable SwrTtlPolicy ttlPolicy, EngineHooks hooks, Duration tagCheckInterval) {
		this.name = name;
		this.policy = policy;
		this.store = store;
		this.clock = clock;
		this.breaker = breaker;
		this.readsBlock = store.blocksOnRead();
		this.guarded = new GuardedStore<>(store, name, this.stats, hooks.errorHandler());
		this.tags = new TagLedger(store.tagMarks(), clock, tagCheckInterval, tagRetention(policy, ttlPolicy),
				this.guarded);
		this.revalidator = new Revalidator<>(name, policy, this.guarded, clock, scheduler, breaker, breakers,
				new EntryFactory<>(name, policy, ttlPolicy), hooks, this.stats, this.tags);
		this.batches = new BatchReads<>(this.revalidator);
	}

	/**
	 * The value of {@code key}, loading it with {@code loader} when the cache has none it may serve.
	 * A fresh hit reads the clock and the store and nothing else: no allocation, no lock.
	 * @param key the key
	 * @param loader loads the value on a miss or a refresh
	 * @return the value, possibly {@code null} when null results are loaded or cached
	 * @throws SwrCircuitOpenException if a load is needed, nothing usable is cached and the breaker
	 * refuses loads
	 * @throws SwrLoadTimeoutException if nothing usable is cached and the load took longer than
	 * {@code miss-timeout} (it goes on, and its value is stored)
	 * @throws SwrLoadRejectedException if nothing usable is cached and the cache already runs
	 * {@code max-concurrent-misses} cold loads
	 * @throws IllegalArgumentException if {@code key} or {@code loader} is null
	 * @throws CancellationException if this thread is interrupted while it waits for the load
	 * (which goes on); the interrupt status is restored
	 * @implNote the loader's own exception, checked or not, reaches the caller as it was thrown, as
	 * if {@code loader.load} had been called directly; a checked one is not wrapped even though this
	 * method does not declare it.
	 */
	public @Nullable V get(K key, SwrLoader<? super K, ? extends V> loader) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> read = readStore(key);
		if (read != null && now < read.freshUntil() && read.tags().isEmpty()) {
			this.stats.recordGet(SwrStatus.HIT);
			return read.value();
		}
		return getPastHit(key, loader, checkTags(read, now), now);
	}

	/** {@link #get} past an untagged fresh hit, off the hot method: a tagged entry's hit, or the revalidator. */
	private @Nullable V getPastHit(K key, SwrLoader<? super K, ? extends V> loader, @Nullable SwrEntry<V> entry,
			long now) {
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			return entry.value();
		}
		return this.revalidator.read(key, Revalidator.Source.blocking(loader, null, null), entry, now).value();
	}

	/**
	 * Like {@link #get(Object, SwrLoader)}, and tells how the read was answered.
	 * @param key the key
	 * @param loader loads the value on a miss or a refresh
	 * @return the value and its status
	 */
	public SwrResult<V> getWithStatus(K key, SwrLoader<? super K, ? extends V> loader) {
		return getWithStatus(key, loader, null);
	}

	/**
	 * Like {@link #getWithStatus(Object, SwrLoader)}, writing a loaded value only when
	 * {@code storeIf} accepts it (the value is still returned), as {@code unless} does for
	 * {@code @Cacheable}. Should {@code storeIf} throw, that load's callers get its exception and
	 * nothing is written.
	 * @param key the key
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @return the value and its status
	 */
	public SwrResult<V> getWithStatus(K key, SwrLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		return getWithStatus(key, loader, storeIf, null);
	}

	/**
	 * Like {@link #getWithStatus(Object, SwrLoader, Predicate)}, writing a loaded value with the tags
	 * {@code tagger} gives it, for {@link #evictByTag}.
	 * @param key the key
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @param tagger the tags of a loaded value; {@code null} for none
	 * @return the value and its status
	 */
	public SwrResult<V> getWithStatus(K key, SwrLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key, now);
		SwrResult<V> result;
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			result = new SwrResult<>(entry.value(), SwrStatus.HIT);
		}
		else {
			result = this.revalidator.read(key, Revalidator.Source.blocking(loader, storeIf, tagger), entry, now);
		}
		SwrStatus.track(result.status(), entry);
		return result;
	}

	/**
	 * Like {@link #getWithStatus(Object, SwrLoader, Predicate)} but returns the value only; the
	 * status is tracked for {@link SwrStatus#last()} all the same. Made for callers whose loader
	 * needs a per-call context, such as the method invocation of an interceptor: the loader gets it
	 * as an argument instead of capturing it, and a fresh hit allocates neither a loader nor a result.
	 * @param key the key
	 * @param context handed to {@code loader} whenever it loads (on this thread or a pool thread)
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @param <C> the context type
	 * @return the value, possibly {@code null} when null results are loaded or cached
	 */
	public <C> @Nullable V getTracked(K key, C context, SwrContextLoader<? super K, ? super C, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		return getTracked(key, context, loader, storeIf, null);
	}

	/**
	 * Like {@link #getTracked(Object, Object, SwrContextLoader, Predicate)}, writing a loaded value
	 * with the tags {@code tagger} gives it, for {@link #evictByTag}.
	 * @param key the key
	 * @param context handed to {@code loader} whenever it loads
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @param tagger the tags of a loaded value; {@code null} for none
	 * @param <C> the context type
	 * @return the value, possibly {@code null} when null results are loaded or cached
	 */
	public <C> @Nullable V getTracked(K key, C context, SwrContextLoader<? super K, ? super C, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> read = readStore(key);
		if (read != null && now < read.freshUntil() && read.tags().isEmpty()) {
			this.stats.recordGet(SwrStatus.HIT);
			SwrStatus.track(SwrStatus.HIT, read.freshUntil());
			return read.value();
		}
		return trackedPastHit(key, context, loader, storeIf, tagger, checkTags(read, now), now);
	}

	/** {@link #getTracked} past an untagged fresh hit: a tagged entry's hit, or the revalidator. */
	private <C> @Nullable V trackedPastHit(K key, C context, SwrContextLoader<? super K, ? super C, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger, @Nullable SwrEntry<V> entry,
			long now) {
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			SwrStatus.track(SwrStatus.HIT, entry.freshUntil());
			return entry.value();
		}
		SwrLoader<K, V> bound = (loading) -> loader.load(loading, context);
		SwrResult<V> result = this.revalidator.read(key, Revalidator.Source.blocking(bound, storeIf, tagger), entry,
				now);
		SwrStatus.track(result.status(), entry);
		return result.value();
	}

	/**
	 * Like {@link #getWithStatus}, for a source with an asynchronous client: the calling thread never
	 * waits. A miss calls {@code loader} on this thread to start the load and the returned future
	 * completes with it; concurrent callers share it. The future completes at the latest after
	 * {@code miss-timeout}, with {@link SwrLoadTimeoutException}, and a loader future that never
	 * completes is given up after {@code refresh-timeout}. Refreshes run on the refresh pool, which
	 * waits for the loader's future under the refresh timeout. Cancelling the returned future does
	 * not cancel a shared load.
	 * @param key the key
	 * @param loader starts a load and returns its future
	 * @return the value and its status; fails with the loader's exception on a failed miss, or with
	 * {@link SwrCircuitOpenException}, {@link SwrLoadTimeoutException} or
	 * {@link SwrLoadRejectedException}
	 */
	public CompletableFuture<SwrResult<V>> getAsync(K key, SwrAsyncLoader<? super K, ? extends V> loader) {
		return getAsync(key, loader, null);
	}

	/**
	 * The values of many keys, each answered as {@link #getWithStatus} would answer it, with the keys
	 * that need the source loaded by ONE call of {@code loader}: the absent and expired keys together
	 * (their callers wait as for a read of one key), and the stale keys together, in the background.
	 * A key another caller is loading is awaited, not loaded again. The status tracked for
	 * {@link SwrStatus#last()} is the worst of the keys'.
	 * @param keys the keys; duplicates are answered once
	 * @param loader loads the keys the cache cannot serve; a key it leaves out is absent
	 * @param storeIf decides, per key, whether a loaded value is cached; {@code null} caches every value
	 * @param tagger the tags of each loaded value; {@code null} for none
	 * @return each key's value and status, in the order of {@code keys}; an absent key's value is
	 * {@code null}
	 * @throws IllegalArgumentException if {@code keys} or {@code loader} is null or a key is null
	 * @throws RuntimeException if a key with nothing cached to serve could not be loaded: the
	 * loader's exception, {@link SwrLoadTimeoutException}, {@link SwrLoadRejectedException} or
	 * {@link SwrCircuitOpenException}; keys with an old value are served it ({@code FALLBACK} or
	 * {@code EXPIRED}) when that is the only failure
	 */
	public Map<K, SwrResult<V>> getAll(Collection<? extends K> keys, SwrBatchLoader<K, V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
		if (keys == null) {
			throw new IllegalArgumentException("'keys' must not be null");
		}
		if (loader == null) {
			throw new IllegalArgumentException("'loader' must not be null");
		}
		Map<K, SwrEntry<V>> served = new HashMap<>();
		Function<K, @Nullable SwrEntry<V>> reader = reader(keys);
		Map<K, SwrResult<V>> results = this.batches.read(keys, (key) -> {
			SwrEntry<V> entry = reader.apply(key);
			if (entry != null) {
				served.put(key, entry);
			}
			return entry;
		}, loader, storeIf, tagger);
		// The request's status is the worst key's: tracked once, with that key's entry.
		K worstKey = null;
		SwrStatus worst = null;
		for (Map.Entry<K, SwrResult<V>> result : results.entrySet()) {
			if (worst == null || result.getValue().status().severity() > worst.severity()) {
				worst = result.getValue().status();
				worstKey = result.getKey();
			}
		}
		if (worst != null) {
			SwrStatus.track(worst, served.get(worstKey));
		}
		return results;
	}

	/**
	 * How a batch reads its keys: one by one from a store in memory; from a remote store, every read
	 * sent at once (the client pipelines them, so a batch costs about one round trip, not one per
	 * key), each bounded by the store's own timeout.
	 */
	private Function<K, @Nullable SwrEntry<V>> reader(Collection<? extends K> keys) {
		if (!this.readsBlock) {
			return (key) -> read(key, this.clock.millis());
		}
		Map<K, CompletableFuture<@Nullable SwrEntry<V>>> reads = new HashMap<>();
		for (K key : keys) {
			if (key != null) {
				reads.computeIfAbsent(key, this::readAsync);
			}
		}
		// Each read is bounded by the store's own timeout (a Redis command's), as a blocking read is.
		return (key) -> checkTags(reads.get(key).join(), this.clock.millis());
	}

	/**
	 * Like {@link #getAll(Collection, SwrBatchLoader, Predicate, SwrTagger)}, caching every value untagged.
	 * @param keys the keys
	 * @param loader loads the keys the cache cannot serve
	 * @return each key's value and status, in the order of {@code keys}
	 */
	public Map<K, SwrResult<V>> getAll(Collection<? extends K> keys, SwrBatchLoader<K, V> loader) {
		return getAll(keys, loader, null, null);
	}

	/**
	 * Like {@link #getAsync(Object, SwrAsyncLoader)}, writing a loaded value only when
	 * {@code storeIf} accepts it (the value is still returned).
	 * @param key the key
	 * @param loader starts a load and returns its future
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @return the value and its status
	 */
	public CompletableFuture<SwrResult<V>> getAsync(K key, SwrAsyncLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		return getAsync(key, loader, storeIf, null);
	}

	/**
	 * Like {@link #getAsync(Object, SwrAsyncLoader, Predicate)}, writing a loaded value with the tags
	 * {@code tagger} gives it, for {@link #evictByTag}.
	 * @param key the key
	 * @param loader starts a load and returns its future
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @param tagger the tags of a loaded value; {@code null} for none
	 * @return the value and its status
	 */
	public CompletableFuture<SwrResult<V>> getAsync(K key, SwrAsyncLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
		requireArguments(key, loader);
		Revalidator.Source<K, V> source = Revalidator.Source.async(loader, storeIf, tagger);
		if (!this.readsBlock) {
			long now = this.clock.millis();
			return answerAsync(key, read(key, now), source);
		}
		// A remote store: read without blocking this thread (it may be an event loop), and go on
		// where the answer may block again (a write), off the store client's event loop.
		return answerAsync(key, readAsync(key), source);
	}

	/** Answers once the store's read, then the check of its tags, completed; off the store's event loop. */
	private CompletableFuture<SwrResult<V>> answerAsync(K key, CompletableFuture<@Nullable SwrEntry<V>> reading,
			Revalidator.Source<K, V> source) {
		CompletableFuture<@Nullable SwrEntry<V>> checked = reading.isDone() ? checkTagsAsync(reading.join())
				: reading.thenCompose(this::checkTagsAsync);
		if (checked.isDone()) {
			return answerAsync(key, checked.join(), source);
		}
		return checked.thenComposeAsync((entry) -> answerAsync(key, entry, source), this.revalidator::continueOffLoop);
	}

	private CompletableFuture<SwrResult<V>> answerAsync(K key, @Nullable SwrEntry<V> entry,
			Revalidator.Source<K, V> source) {
		long now = this.clock.millis();
		if (entry != null && now < entry.freshUntil()) {
			return this.revalidator.completed(entry, SwrStatus.HIT);
		}
		return this.revalidator.readAsync(key, source, entry, now);
	}

	/**
	 * Like {@link #getEntry}, without blocking the calling thread on a remote store.
	 * @param key the key
	 * @return the entry when read, or {@code null} if there is none that has not expired; a failing
	 * store completes it with {@code null} (counted and reported)
	 */
	public CompletableFuture<@Nullable SwrEntry<V>> getEntryAsync(K key) {
		requireKey(key);
		return readAsync(key).thenCompose(this::checkTagsAsync)
			.thenApply((entry) -> (entry != null && this.clock.millis() < entry.expiresAt()) ? entry : null);
	}

	/** The store's asynchronous read: a failing store is a miss, counted and reported. */
	private CompletableFuture<@Nullable SwrEntry<V>> readAsync(K key) {
		return this.guarded.getAsync(key);
	}

	/**
	 * The entry of {@code key} as stored, or {@code null}; loads nothing, counts nothing, and treats
	 * a failing store as empty.
	 * @param key the key
	 * @return the entry, or {@code null} if there is none that has not expired
	 */
	public @Nullable SwrEntry<V> getEntry(K key) {
		requireKey(key);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key, now);
		return (entry != null && now < entry.expiresAt()) ? entry : null;
	}

	/**
	 * Writes {@code value} as a new fresh entry of {@code key}, as a load would. Should the store
	 * refuse the write, the key is evicted instead, so an older value is not served in its place.
	 * @param key the key
	 * @param value the value; {@code null} is written only when null results are cached, and evicts
	 * the key otherwise
	 */
	public void put(K key, @Nullable V value) {
		requireKey(key);
		this.revalidator.supersede(key);
		this.revalidator.write(key, value, this.clock.millis(), true);
	}

	/**
	 * Removes the entry of {@code key}. A load of the key already running is not written when it
	 * ends (its waiters still get its value), so an evict after a change at the source is not undone
	 * by a load that read the source before the change.
	 */
	public void evict(K key) {
		requireKey(key);
		this.revalidator.supersede(key);
		this.guarded.evict(key);
		this.stats.recordEviction();
	}

	/**
	 * Removes every entry of this cache; loads already running are not written.
	 * @return whether an entry was removed; {@code false} when there was none, and when the store
	 * failed (counted and reported like every store failure), since nothing is known to be cleared
	 */
	public boolean clear() {
		this.revalidator.supersedeAll();
		return this.guarded.clear(false);
	}

	/**
	 * Like {@link #clear()}, for a caller that must know whether the store was cleared, such as an
	 * operator's request: a store failure is counted and reported as for {@code clear()}, then thrown.
	 * @return whether an entry was removed
	 * @throws SwrStoreException if the store could not be cleared: nothing is known to be removed
	 */
	public boolean clearOrThrow() {
		this.revalidator.supersedeAll();
		return this.guarded.clear(true);
	}

	/**
	 * Evicts every entry carrying {@code tag}, on every instance that shares the store: hard, the
	 * entries are gone (the next read loads); soft, they are stale (served {@code STALE} while
	 * refreshed, as far as their stale window goes). Entries are not looked up: the eviction is a
	 * mark that reads of tagged entries check, so it costs the same whatever the number of entries,
	 * and it covers loads running now (they started before it) even when they land after it.
	 * @param tag the tag
	 * @param soft whether entries become stale rather than absent
	 * @return whether the eviction was recorded in the shared store too; {@code false} when that
	 * failed (counted and reported): it holds on this instance, others may not know of it
	 */
	public boolean evictByTag(String tag, boolean soft) {
		try {
			evictByTagOrThrow(tag, soft);
			return true;
		}
		catch (SwrStoreException ex) {
			return false;
		}
	}

	/**
	 * Like {@link #evictByTag}, for a caller that must know whether every instance will see the
	 * eviction, such as an operator's request.
	 * @param tag the tag
	 * @param soft whether entries become stale rather than absent
	 * @throws SwrStoreException if the shared store failed (counted and reported): the eviction holds
	 * on this instance only
	 * @throws IllegalArgumentException if {@code tag} is null or blank
	 */
	public void evictByTagOrThrow(String tag, boolean soft) {
		if (tag == null || tag.isBlank()) {
			throw new IllegalArgumentException("'tag' must not be null or blank");
		}
		try {
			this.tags.mark(tag, soft, this.clock.millis());
		}
		catch (RuntimeException ex) {
			throw this.guarded.failed(tag, SwrStoreException.Operation.EVICT, ex);
		}
		this.stats.recordEviction();
	}

	/** The cache's name. */
	public String name() {
		return this.name;
	}

	/** The cache's policy. */
	public SwrPolicy policy() {
		return this.policy;
	}

	/** The cache's counters. */
	public SwrStats stats() {
		return this.stats;
	}

	/** A read-only, live view of what the cache is made of and how it is doing. */
	public SwrInspection inspect() {
		return this.inspection;
	}

	@Override
	public String toString() {
		return "SwrCache[" + this.name + ", " + this.store.kind() + "]";
	}

	/**
	 * The hot path's store read: a failing store is a miss, counted and reported. A tagged entry is
	 * checked against its tags' evictions; an untagged one costs one more field read.
	 */
	private @Nullable SwrEntry<V> read(K key, long now) {
		return checkTags(readStore(key), now);
	}

	/**
	 * {@code entry} as its tags' evictions leave it. The hot methods read the store and test for an
	 * untagged fresh hit themselves and call this only past it, so they stay small enough for the
	 * JIT to inline (a benchmark saw it stop inlining a read that held the check).
	 */
	private @Nullable SwrEntry<V> checkTags(@Nullable SwrEntry<V> entry, long now) {
		return (entry == null || entry.tags().isEmpty()) ? entry : this.tags.check(entry, now);
	}

	private @Nullable SwrEntry<V> readStore(K key) {
		try {
			return this.store.get(key);
		}
		catch (RuntimeException ex) {
			this.guarded.failed(key, SwrStoreException.Operation.GET, ex);
			return null;
		}
	}

	private CompletableFuture<@Nullable SwrEntry<V>> checkTagsAsync(@Nullable SwrEntry<V> entry) {
		return (entry == null || entry.tags().isEmpty()) ? CompletableFuture.completedFuture(entry)
				: this.tags.checkAsync(entry, this.clock.millis());
	}

	/**
	 * How long a tag's eviction must be remembered: as long as an entry written before it may live.
	 * A TTL policy may give a value longer windows than the policy's: then at least a day.
	 */
	private static Duration tagRetention(SwrPolicy policy, @Nullable SwrTtlPolicy ttlPolicy) {
		EntryWindows windows = policy.windows();
		Duration lifetime = windows.fresh().plus(windows.stale()).plus(windows.expired());
		Duration floor = (ttlPolicy != null) ? Duration.ofDays(1) : Duration.ofMinutes(1);
		return (lifetime.compareTo(floor) > 0) ? lifetime : floor;
	}

	private static void requireArguments(Object key, Object loader) {
		requireKey(key);
		if (loader == null) {
			throw new IllegalArgumentException("'loader' must not be null");
		}
	}

	private static void requireKey(Object key) {
		if (key == null) {
			throw new IllegalArgumentException("'key' must not be null");
		}
	}

	/** The read-only view handed out by {@link #inspect()}. */
	private final class Inspection implements SwrInspection {

		@Override
		public String storeKind() {
			return SwrCache.this.store.kind();
		}

		@Override
		public long estimatedSize() {
			return SwrCache.this.store.estimatedSize();
		}

		@Override
		public boolean storeBlocksOnRead() {
			return SwrCache.this.readsBlock;
		}

		@Override
		public boolean isStoreReachable() {
			return SwrCache.this.store.isReachable();
		}

		@Override
		public InstantSource clock() {
			return SwrCache.this.clock;
		}

		@Override
		public @Nullable CircuitBreaker circuitBreaker() {
			return SwrCache.this.breaker;
		}

		@Override
		public @Nullable CircuitBreaker circuitBreakerFor(Object key) {
			return SwrCache.this.revalidator.breakerFor(key);
		}

		@Override
		public int loadsInFlight() {
			return SwrCache.this.revalidator.loadsInFlight();
		}

		@Override
		public int missesInFlight() {
			return SwrCache.this.revalidator.missesInFlight();
		}

		@Override
		public String toString() {
			return "SwrInspection[" + SwrCache.this.name + "]";
		}

	}

}
