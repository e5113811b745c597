package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 * <li>absent: the reader loads on its own thread, {@link SwrStatus#MISS}; concurrent readers of
 * the key wait for that one load, and its exception reaches each of them unchanged.</li>
 * </ul>
 * A store failure is never seen by a reader: a failed read is a miss, a failed write is dropped,
 * and both are counted and reported to the engine's {@link SwrErrorHandler}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SwrCache<K, V> {

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	/** Completes a flight that will never load, so its waiters stop waiting. */
	private static final Throwable ABANDONED = new StacklessSignal("refresh abandoned");

	/** Stands for a lease this instance assumes it holds because the shared store could not be asked. */
	private static final String LOCAL_LEASE = new String("local");

	/** Completes a flight whose background load ran past its refresh timeout. */
	private static final Throwable TIMED_OUT = new StacklessSignal("refresh timed out");

	private final String name;

	private final SwrPolicy policy;

	private final SwrStore<K, V> store;

	/** The store, when instances share it and coordinate through leases; else {@code null}. */
	private final @Nullable SharedStore<K, V> shared;

	private final long lockWaitNanos;

	private final InstantSource clock;

	private final RefreshScheduler scheduler;

	private final @Nullable CircuitBreaker breaker;

	private final @Nullable Function<Object, CircuitBreaker> breakers;

	private final @Nullable SwrTtlPolicy ttlPolicy;

	private final SwrLoadListener listener;

	private final SwrErrorHandler errorHandler;

	private final SwrStats stats = new SwrStats();

	private final SwrInspection inspection = new Inspection();

	private final ConcurrentHashMap<K, Flight<V>> flights = new ConcurrentHashMap<>();

	private final Cache<K, KeyBackoff> backoffs;

	private final long expiredWaitNanos;

	private final long refreshTimeoutNanos;

	SwrCache(String name, SwrPolicy policy, SwrStore<K, V> store, InstantSource clock, RefreshScheduler scheduler,
			@Nullable CircuitBreaker breaker, @Nullable Function<Object, CircuitBreaker> breakers,
			@Nullable SwrTtlPolicy ttlPolicy, SwrLoadListener listener,
			SwrErrorHandler errorHandler) {
		this.name = name;
		this.policy = policy;
		this.store = store;
		this.shared = (store instanceof SharedStore<K, V> sharedStore) ? sharedStore : null;
		this.lockWaitNanos = (this.shared != null) ? this.shared.lockWait().toNanos() : 0;
		this.clock = clock;
		this.scheduler = scheduler;
		this.breaker = breaker;
		this.breakers = breakers;
		this.ttlPolicy = ttlPolicy;
		this.listener = listener;
		this.errorHandler = errorHandler;
		this.expiredWaitNanos = policy.expiredWait().toNanos();
		this.refreshTimeoutNanos = policy.refreshTimeout().toNanos();
		// A key's backoff is forgotten once it could no longer matter: twice the longest pause
		// after the last failure, with no attempt in between.
		this.backoffs = Caffeine.newBuilder()
			.maximumSize(100_000)
			.expireAfterWrite(policy.refreshBackoffMax().multipliedBy(2))
			.ticker(() -> clock.millis() * 1_000_000L)
			.executor(Runnable::run)
			.build();
	}

	/**
	 * The value of {@code key}, loading it with {@code loader} when the cache has none it may serve.
	 * A fresh hit reads the clock and the store and nothing else: no allocation, no lock.
	 * @param key the key
	 * @param loader loads the value on a miss (on this thread) or a refresh (on the refresh pool)
	 * @return the value, possibly {@code null} when null results are loaded or cached
	 * @throws SwrCircuitOpenException if a load is needed, nothing usable is cached and the breaker
	 * refuses loads
	 * @throws IllegalArgumentException if {@code key} or {@code loader} is null
	 * @throws CancellationException if this thread is interrupted while it waits for another
	 * caller's load (which goes on); the interrupt status is restored
	 * @implNote the loader's own exception, checked or not, reaches the caller as it was thrown, as
	 * if {@code loader.load} had been called directly; a checked one is not wrapped even though this
	 * method does not declare it.
	 */
	public @Nullable V get(K key, SwrLoader<? super K, ? extends V> loader) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key);
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			return entry.value();
		}
		return readPastFresh(key, loader, entry, now, null).value();
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
	 * {@code @Cacheable}.
	 * @param key the key
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @return the value and its status
	 */
	public SwrResult<V> getWithStatus(K key, SwrLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key);
		SwrResult<V> result;
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			result = new SwrResult<>(entry.value(), SwrStatus.HIT);
		}
		else {
			result = readPastFresh(key, loader, entry, now, storeIf);
		}
		SwrStatus.track(result.status());
		return result;
	}

	/**
	 * Like {@link #getWithStatus(Object, SwrLoader, Predicate)} but returns the value only; the
	 * status is tracked for {@link SwrStatus#last()} all the same. Made for callers whose loader
	 * needs a per-call context, such as the method invocation of an interceptor: the loader gets it
	 * as an argument instead of capturing it, and a fresh hit allocates neither a loader nor a result.
	 * @param key the key
	 * @param context handed to {@code loader} whenever it loads (on this thread or a refresh thread)
	 * @param loader loads the value on a miss or a refresh
	 * @param storeIf decides whether a loaded value is cached; {@code null} caches every value
	 * @param <C> the context type
	 * @return the value, possibly {@code null} when null results are loaded or cached
	 */
	public <C> @Nullable V getTracked(K key, C context, SwrContextLoader<? super K, ? super C, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key);
		if (entry != null && now < entry.freshUntil()) {
			this.stats.recordGet(SwrStatus.HIT);
			SwrStatus.track(SwrStatus.HIT);
			return entry.value();
		}
		SwrResult<V> result = readPastFresh(key, (loading) -> loader.load(loading, context), entry, now, storeIf);
		SwrStatus.track(result.status());
		return result.value();
	}

	/**
	 * Like {@link #getWithStatus}, for a source with an asynchronous client: the calling thread never
	 * waits. A miss calls {@code loader} on this thread to start the load and the returned future
	 * completes with it; concurrent callers share it. Refreshes run on the refresh pool, which waits
	 * for the loader's future under the refresh timeout. Cancelling the returned future does not
	 * cancel a shared load.
	 * @param key the key
	 * @param loader starts a load and returns its future
	 * @return the value and its status; fails with the loader's exception on a failed miss, or with
	 * {@link SwrCircuitOpenException}
	 */
	public CompletableFuture<SwrResult<V>> getAsync(K key, SwrAsyncLoader<? super K, ? extends V> loader) {
		return getAsync(key, loader, null);
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
		requireArguments(key, loader);
		long now = this.clock.millis();
		SwrEntry<V> entry = read(key);
		if (entry != null && now < entry.freshUntil()) {
			return completed(entry.value(), SwrStatus.HIT);
		}
		if (entry == null || now >= entry.expiresAt()) {
			return loadAsyncOnMiss(key, loader, storeIf);
		}
		SwrLoader<K, V> blocking = (k) -> awaitLoader(loader.load(k));
		if (now < entry.staleUntil()) {
			startRefresh(key, blocking, entry, now, LoadTrigger.REFRESH, storeIf);
			return completed(entry.value(), SwrStatus.STALE);
		}
		Object started = startRefresh(key, blocking, entry, now, LoadTrigger.EXPIRED, storeIf);
		SwrStatus unwaited = statusWithoutAFlight(started);
		if (unwaited != null) {
			return completed(entry.value(), unwaited);
		}
		@SuppressWarnings("unchecked")
		Flight<V> flight = (Flight<V>) started;
		CompletableFuture<SwrResult<V>> answer = new CompletableFuture<>();
		flight.result.whenComplete((loaded, failure) -> {
			SwrResult<V> result = (failure == null) ? new SwrResult<>(loaded.value(), SwrStatus.MISS)
					: new SwrResult<>(entry.value(), sourceFailed(failure) ? SwrStatus.FALLBACK : SwrStatus.EXPIRED);
			completeOnce(answer, result);
		});
		if (!answer.isDone()) {
			SwrResult<V> late = new SwrResult<>(entry.value(), SwrStatus.EXPIRED);
			if (this.expiredWaitNanos == 0) {
				completeOnce(answer, late);
			}
			else {
				Runnable cancel = this.scheduler.schedule(() -> completeOnce(answer, late), this.expiredWaitNanos);
				answer.whenComplete((result, failure) -> cancel.run());
			}
		}
		return answer;
	}

	private CompletableFuture<SwrResult<V>> loadAsyncOnMiss(K key, SwrAsyncLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		Flight<V> flight = this.flights.get(key);
		if (flight == null) {
			Flight<V> mine = new Flight<>(storeIf);
			flight = this.flights.putIfAbsent(key, mine);
			if (flight == null) {
				startAsyncLoad(key, loader, mine);
				flight = mine;
			}
		}
		return flight.result.handle((loaded, failure) -> {
			if (failure == null) {
				return completed(loaded.value(), SwrStatus.MISS);
			}
			Throwable cause = unwrap(failure);
			if (cause == ABANDONED || cause == TIMED_OUT) {
				// The flight joined was a refresh that never wrote: load anew.
				return loadAsyncOnMiss(key, loader, storeIf);
			}
			return CompletableFuture.<SwrResult<V>>failedFuture(cause);
		}).thenCompose((next) -> next);
	}

	private void startAsyncLoad(K key, SwrAsyncLoader<? super K, ? extends V> loader, Flight<V> flight) {
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null && !breaker.tryAcquirePermission()) {
			this.stats.recordSkip(SkipReason.CIRCUIT_OPEN);
			this.flights.remove(key, flight);
			flight.result.completeExceptionally(
					new SwrCircuitOpenException(this.name, key, breaker.getName(), breaker.getState()));
			return;
		}
		long start = System.nanoTime();
		CompletableFuture<? extends V> pending;
		try {
			pending = loader.load(key);
		}
		catch (Throwable ex) {
			loadFailed(key, flight, LoadTrigger.MISS, LoadOutcome.FAILURE, System.nanoTime() - start, ex, ex);
			return;
		}
		if (pending == null) {
			loadSucceeded(key, flight, LoadTrigger.MISS, null, System.nanoTime() - start);
			return;
		}
		pending.whenComplete((value, failure) -> {
			long nanos = System.nanoTime() - start;
			if (failure != null) {
				Throwable cause = unwrap(failure);
				loadFailed(key, flight, LoadTrigger.MISS, LoadOutcome.FAILURE, nanos, cause, cause);
			}
			else {
				loadSucceeded(key, flight, LoadTrigger.MISS, value, nanos);
			}
		});
	}

	private CompletableFuture<SwrResult<V>> completed(@Nullable V value, SwrStatus status) {
		this.stats.recordGet(status);
		SwrStatus.track(status);
		return CompletableFuture.completedFuture(new SwrResult<>(value, status));
	}

	private void completeOnce(CompletableFuture<SwrResult<V>> answer, SwrResult<V> result) {
		if (answer.complete(result)) {
			this.stats.recordGet(result.status());
		}
	}

	private static boolean sourceFailed(Throwable failure) {
		Throwable cause = unwrap(failure);
		return cause != ABANDONED && cause != TIMED_OUT;
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof java.util.concurrent.CompletionException || cause instanceof ExecutionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/** Waits, on a refresh thread, for an asynchronous loader; the refresh timeout interrupts the wait. */
	private static <T> T awaitLoader(@Nullable CompletableFuture<? extends T> pending) throws Exception {
		if (pending == null) {
			return null;
		}
		try {
			return pending.get();
		}
		catch (ExecutionException ex) {
			throw SwrCache.<Exception>rethrow(unwrap(ex));
		}
	}

	/**
	 * The entry of {@code key} as stored, or {@code null}; loads nothing, counts nothing, and treats
	 * a failing store as empty.
	 * @param key the key
	 * @return the entry, or {@code null} if there is none that has not expired
	 */
	public @Nullable SwrEntry<V> getEntry(K key) {
		requireKey(key);
		SwrEntry<V> entry = read(key);
		return (entry != null && this.clock.millis() < entry.expiresAt()) ? entry : null;
	}

	/**
	 * Writes {@code value} as a new fresh entry of {@code key}, as a load would.
	 * @param key the key
	 * @param value the value; {@code null} is written only when null results are cached, and evicts
	 * the key otherwise
	 */
	public void put(K key, @Nullable V value) {
		requireKey(key);
		supersede(this.flights.remove(key));
		if (value == null && !this.policy.cacheNulls()) {
			write(key, null, this.clock.millis());
			return;
		}
		try {
			this.store.put(key, newEntry(key, value, this.clock.millis()));
			this.stats.recordPut();
		}
		catch (RuntimeException ex) {
			storeFailed(key, SwrStoreException.Operation.PUT, ex);
			// A put replaces: the old value, no longer the source's, must not be served in its place.
			evictFromStore(key);
		}
	}

	/**
	 * Removes the entry of {@code key}. A load of the key already running is not written when it
	 * ends (its waiters still get its value), so an evict after a change at the source is not undone
	 * by a load that read the source before the change.
	 */
	public void evict(K key) {
		requireKey(key);
		supersede(this.flights.remove(key));
		evictFromStore(key);
		this.stats.recordEviction();
	}

	/**
	 * Removes every entry of this cache; loads already running are not written.
	 * @return whether an entry was removed; {@code false} when there was none, and when the store
	 * failed (counted and reported like every store failure), since nothing is known to be cleared
	 */
	public boolean clear() {
		for (K key : this.flights.keySet()) {
			supersede(this.flights.remove(key));
		}
		boolean removed = false;
		try {
			removed = this.store.clear();
		}
		catch (RuntimeException ex) {
			storeFailed(null, SwrStoreException.Operation.CLEAR, ex);
		}
		this.backoffs.invalidateAll();
		return removed;
	}

	private void evictFromStore(K key) {
		try {
			this.store.evict(key);
		}
		catch (RuntimeException ex) {
			storeFailed(key, SwrStoreException.Operation.EVICT, ex);
		}
	}

	private static void supersede(@Nullable Flight<?> flight) {
		if (flight != null) {
			synchronized (flight) {
				flight.superseded = true;
			}
		}
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

	private @Nullable CircuitBreaker breakerFor(Object key) {
		if (this.breaker != null) {
			return this.breaker;
		}
		return (this.breakers != null) ? this.breakers.apply(key) : null;
	}

	@Override
	public String toString() {
		return "SwrCache[" + this.name + ", " + this.store.kind() + "]";
	}

	// ---- reads past the fresh window -------------------------------------------------------

	private SwrResult<V> readPastFresh(K key, SwrLoader<? super K, ? extends V> loader, @Nullable SwrEntry<V> entry,
			long now, @Nullable Predicate<? super V> storeIf) {
		if (entry == null || now >= entry.expiresAt()) {
			return loadOnMiss(key, loader, storeIf);
		}
		if (now < entry.staleUntil()) {
			startRefresh(key, loader, entry, now, LoadTrigger.REFRESH, storeIf);
			this.stats.recordGet(SwrStatus.STALE);
			return new SwrResult<>(entry.value(), SwrStatus.STALE);
		}
		return readExpired(key, loader, entry, now, storeIf);
	}

	private SwrResult<V> readExpired(K key, SwrLoader<? super K, ? extends V> loader, SwrEntry<V> entry, long now,
			@Nullable Predicate<? super V> storeIf) {
		Object started = startRefresh(key, loader, entry, now, LoadTrigger.EXPIRED, storeIf);
		SwrStatus unwaited = statusWithoutAFlight(started);
		if (unwaited != null) {
			return answer(entry.value(), unwaited);
		}
		@SuppressWarnings("unchecked")
		Flight<V> flight = (Flight<V>) started;
		try {
			// A zero wait still takes a result that is already there.
			SwrEntry<V> loaded = flight.result.get(this.expiredWaitNanos, TimeUnit.NANOSECONDS);
			return answer(loaded.value(), SwrStatus.MISS);
		}
		catch (TimeoutException ex) {
			return answer(entry.value(), SwrStatus.EXPIRED);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return answer(entry.value(), SwrStatus.EXPIRED);
		}
		catch (ExecutionException ex) {
			return answer(entry.value(), sourceFailed(ex) ? SwrStatus.FALLBACK : SwrStatus.EXPIRED);
		}
	}

	/**
	 * How an expired read is answered when {@link #startRefresh} gave no flight to wait for:
	 * {@code FALLBACK} when the source is failing (backoff, open breaker), {@code EXPIRED} when it
	 * could not be asked in time (saturated, lease held elsewhere); {@code null} when there is a flight.
	 */
	private static @Nullable SwrStatus statusWithoutAFlight(Object started) {
		if (started == SkipReason.BACKOFF || started == SkipReason.CIRCUIT_OPEN) {
			return SwrStatus.FALLBACK;
		}
		return (started instanceof Flight<?>) ? null : SwrStatus.EXPIRED;
	}

	private SwrResult<V> answer(@Nullable V value, SwrStatus status) {
		this.stats.recordGet(status);
		return new SwrResult<>(value, status);
	}

	/**
	 * Starts a background refresh of {@code key} unless one runs, the key backs off, the breaker is
	 * open or the pool is full.
	 * @return the flight to wait for (the new one or the one already running), or the
	 * {@link SkipReason} why there is none
	 */
	private Object startRefresh(K key, SwrLoader<? super K, ? extends V> loader, SwrEntry<V> seen, long now,
			LoadTrigger trigger, @Nullable Predicate<? super V> storeIf) {
		Flight<V> running = this.flights.get(key);
		if (running != null) {
			return skipped(SkipReason.IN_FLIGHT, running);
		}
		KeyBackoff backoff = this.backoffs.getIfPresent(key);
		if (backoff != null && now < backoff.until()) {
			return skipped(SkipReason.BACKOFF, SkipReason.BACKOFF);
		}
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null && !breaker.tryAcquirePermission()) {
			return skipped(SkipReason.CIRCUIT_OPEN, SkipReason.CIRCUIT_OPEN);
		}
		Flight<V> flight = new Flight<>(storeIf);
		Flight<V> raced = this.flights.putIfAbsent(key, flight);
		if (raced != null) {
			releaseBreakerPermission(key);
			return skipped(SkipReason.IN_FLIGHT, raced);
		}
		// A refresh that ended between our read and our claim has replaced the entry already.
		SwrEntry<V> current = read(key);
		if (current != null && current.writtenAt() > seen.writtenAt()) {
			this.flights.remove(key, flight);
			flight.result.complete(current);
			releaseBreakerPermission(key);
			return skipped(SkipReason.IN_FLIGHT, flight);
		}
		if (!this.scheduler.submit(new Refresh(key, loader, flight, trigger))) {
			this.flights.remove(key, flight);
			flight.result.completeExceptionally(ABANDONED);
			releaseBreakerPermission(key);
			return skipped(SkipReason.SATURATED, SkipReason.SATURATED);
		}
		return flight;
	}

	private Object skipped(SkipReason reason, Object result) {
		this.stats.recordSkip(reason);
		return result;
	}

	private void releaseBreakerPermission(Object key) {
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null) {
			breaker.releasePermission();
		}
	}

	// ---- loads on the caller's thread --------------------------------------------------------

	private SwrResult<V> loadOnMiss(K key, SwrLoader<? super K, ? extends V> loader,
			@Nullable Predicate<? super V> storeIf) {
		try {
			for (;;) {
				Flight<V> flight = this.flights.get(key);
				if (flight == null) {
					Flight<V> mine = new Flight<>(storeIf);
					flight = this.flights.putIfAbsent(key, mine);
					if (flight == null) {
						return answer(loadHere(key, loader, mine), SwrStatus.MISS);
					}
				}
				SwrEntry<V> joined = awaitSharedLoad(key, flight);
				if (joined != null) {
					return answer(joined.value(), SwrStatus.MISS);
				}
				// The flight we joined was a refresh that timed out or never ran: load ourselves.
			}
		}
		catch (Throwable ex) {
			// A read whose load failed is still a miss, for the counters and the status header.
			this.stats.recordGet(SwrStatus.MISS);
			SwrStatus.track(SwrStatus.MISS);
			throw SwrCache.<RuntimeException>rethrow(ex);
		}
	}

	private @Nullable V loadHere(K key, SwrLoader<? super K, ? extends V> loader, Flight<V> flight) {
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null && !breaker.tryAcquirePermission()) {
			SwrCircuitOpenException refused = new SwrCircuitOpenException(this.name, key, breaker.getName(),
					breaker.getState());
			this.stats.recordSkip(SkipReason.CIRCUIT_OPEN);
			this.flights.remove(key, flight);
			flight.result.completeExceptionally(refused);
			throw refused;
		}
		String lease = null;
		if (this.lockWaitNanos > 0) {
			lease = tryLease(key);
			if (lease == null) {
				SwrEntry<V> theirs = awaitOtherInstance(key);
				if (theirs != null) {
					// Another instance loaded it while we waited: no load here.
					this.stats.recordSkip(SkipReason.LEASE_HELD);
					releaseBreakerPermission(key);
					this.flights.remove(key, flight);
					flight.result.complete(theirs);
					return theirs.value();
				}
			}
		}
		try {
			long start = System.nanoTime();
			V value;
			try {
				value = loader.load(key);
			}
			catch (Throwable ex) {
				loadFailed(key, flight, LoadTrigger.MISS, LoadOutcome.FAILURE, System.nanoTime() - start, ex, ex);
				throw SwrCache.<RuntimeException>rethrow(ex);
			}
			loadSucceeded(key, flight, LoadTrigger.MISS, value, System.nanoTime() - start);
			return value;
		}
		finally {
			releaseLease(key, lease);
		}
	}

	/** A lease token, {@code null} when another instance holds the lease, or a local one when the store failed. */
	private @Nullable String tryLease(K key) {
		try {
			return this.shared.tryLease(key, this.policy.refreshTimeout());
		}
		catch (RuntimeException ex) {
			// Fail open: an unreachable store must not stop this instance from loading.
			storeFailed(key, SwrStoreException.Operation.LEASE, ex);
			return LOCAL_LEASE;
		}
	}

	private void releaseLease(K key, @Nullable String lease) {
		if (lease == null || lease == LOCAL_LEASE) {
			return;
		}
		try {
			this.shared.releaseLease(key, lease);
		}
		catch (RuntimeException ex) {
			storeFailed(key, SwrStoreException.Operation.LEASE, ex);
		}
	}

	/** Polls the shared store for the entry another instance is loading, until {@code lock-wait} ends. */
	private @Nullable SwrEntry<V> awaitOtherInstance(K key) {
		long deadline = System.nanoTime() + this.lockWaitNanos;
		long pause = Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(this.lockWaitNanos / 20,
				TimeUnit.MILLISECONDS.toNanos(50)));
		while (System.nanoTime() < deadline) {
			LockSupport.parkNanos(this, pause);
			if (Thread.currentThread().isInterrupted()) {
				return null;
			}
			SwrEntry<V> entry = read(key);
			if (entry != null && this.clock.millis() < entry.expiresAt()) {
				return entry;
			}
		}
		return null;
	}

	/** Writes a load's value (unless superseded), counts it, and hands it to the flight's waiters. */
	private SwrEntry<V> loadSucceeded(K key, Flight<V> flight, LoadTrigger trigger, @Nullable V value, long nanos) {
		SwrEntry<V> written = writeLoaded(key, value, flight);
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null) {
			breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
		}
		this.backoffs.invalidate(key);
		loadEnded(key, trigger, LoadOutcome.SUCCESS, nanos);
		this.flights.remove(key, flight);
		flight.result.complete(written);
		return written;
	}

	/**
	 * Counts a failed load and fails the flight's waiters with {@code signal}. A background load
	 * also starts or lengthens the key's backoff; a miss does not, its caller gets the error.
	 */
	private void loadFailed(K key, Flight<V> flight, LoadTrigger trigger, LoadOutcome outcome, long nanos,
			Throwable cause, Throwable signal) {
		CircuitBreaker breaker = breakerFor(key);
		if (breaker != null) {
			breaker.onError(nanos, TimeUnit.NANOSECONDS, cause);
		}
		if (trigger == LoadTrigger.MISS) {
			loadEnded(key, trigger, outcome, nanos);
		}
		else {
			refreshFailed(key, trigger, outcome, nanos, cause);
		}
		this.flights.remove(key, flight);
		flight.result.completeExceptionally(signal);
	}

	/**
	 * Waits for another caller's load of {@code key}.
	 * @return its entry, or {@code null} when it ended without a result this caller can use
	 */
	private @Nullable SwrEntry<V> awaitSharedLoad(K key, Flight<V> flight) {
		try {
			return flight.result.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			CancellationException cancelled = new CancellationException("Interrupted while waiting for the load of key '"
					+ key + "' in cache '" + this.name + "'; the load goes on");
			cancelled.initCause(ex);
			throw cancelled;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause == ABANDONED || cause == TIMED_OUT) {
				return null;
			}
			throw SwrCache.<RuntimeException>rethrow(cause);
		}
	}

	@SuppressWarnings("unchecked")
	private static <T extends Throwable> T rethrow(Throwable ex) throws T {
		throw (T) ex;
	}

	// ---- writes ------------------------------------------------------------------------------

	/**
	 * Writes the result of {@code flight}'s load unless an evict, put or clear superseded it, or the
	 * flight's {@code storeIf} refuses the value.
	 */
	private SwrEntry<V> writeLoaded(K key, @Nullable V value, Flight<V> flight) {
		// The lock orders this write against supersede(): either the write lands first and the
		// evict that follows removes it, or the flag is seen and nothing is written.
		synchronized (flight) {
			if (flight.superseded) {
				return newEntry(key, value, this.clock.millis());
			}
			if (flight.storeIf != null && !flight.storeIf.test(value)) {
				// Not to be cached, so an older value must not be served in its place either.
				evictFromStore(key);
				return newEntry(key, value, this.clock.millis());
			}
			return write(key, value, this.clock.millis());
		}
	}

	private SwrEntry<V> write(K key, @Nullable V value, long now) {
		SwrEntry<V> entry = newEntry(key, value, now);
		if (value == null && !this.policy.cacheNulls()) {
			// The source has no value now: do not keep serving an older one.
			evictFromStore(key);
			return entry;
		}
		try {
			this.store.put(key, entry);
			this.stats.recordPut();
		}
		catch (RuntimeException ex) {
			storeFailed(key, SwrStoreException.Operation.PUT, ex);
		}
		return entry;
	}

	private SwrEntry<V> newEntry(K key, @Nullable V value, long now) {
		EntryWindows windows = windowsFor(key, value);
		long fresh = windows.fresh().toMillis();
		long stale = windows.stale().toMillis();
		long expired = windows.expired().toMillis();
		long jittered = fresh;
		if (this.policy.jitter() > 0) {
			jittered = fresh - (long) (fresh * this.policy.jitter() * ThreadLocalRandom.current().nextDouble());
		}
		long staleUntil = plus(now, plus(fresh, stale));
		return new SwrEntry<>(value, now, plus(now, jittered), staleUntil, plus(staleUntil, expired));
	}

	private EntryWindows windowsFor(K key, @Nullable V value) {
		EntryWindows configured = this.policy.windows();
		if (this.ttlPolicy == null) {
			return configured;
		}
		try {
			EntryWindows chosen = this.ttlPolicy.windows(this.name, key, value, configured);
			return (chosen != null) ? chosen : configured;
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, () -> "TTL policy failed for key '" + key + "' in cache '"
					+ this.name + "'; the configured windows are used", ex);
			return configured;
		}
	}

	private static long plus(long a, long b) {
		long sum = a + b;
		// Overflow only when both are positive and the sum wraps: saturate instead.
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

	// ---- store failures ----------------------------------------------------------------------

	private @Nullable SwrEntry<V> read(K key) {
		try {
			return this.store.get(key);
		}
		catch (RuntimeException ex) {
			storeFailed(key, SwrStoreException.Operation.GET, ex);
			return null;
		}
	}

	private void storeFailed(@Nullable Object key, SwrStoreException.Operation operation, RuntimeException ex) {
		SwrStoreException error = (ex instanceof SwrStoreException storeError) ? storeError
				: new SwrStoreException(operation, SwrStoreException.Reason.OTHER, "Store '" + this.store.kind()
						+ "' of cache '" + this.name + "' failed to " + operation.tag() + " key '" + key + "'", ex);
		this.stats.recordStoreError(operation, error.reason());
		try {
			this.errorHandler.onStoreError(this.name, key, error);
		}
		catch (RuntimeException handlerFailure) {
			logger.log(System.Logger.Level.WARNING, "Store error handler failed", handlerFailure);
		}
	}

	// ---- outcomes ----------------------------------------------------------------------------

	private void loadEnded(K key, LoadTrigger trigger, LoadOutcome outcome, long nanos) {
		this.stats.recordLoad(trigger, outcome, nanos);
		try {
			this.listener.onLoad(this.name, key, trigger, outcome, nanos);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Load listener failed", ex);
		}
	}

	private void refreshFailed(K key, LoadTrigger trigger, LoadOutcome outcome, long nanos, Throwable cause) {
		long now = this.clock.millis();
		KeyBackoff backoff = this.backoffs.asMap()
			.compute(key, (k, previous) -> KeyBackoff.after(previous, now, this.policy.refreshBackoff(),
					this.policy.refreshBackoffMax()));
		// Once per backoff pause, not per read: no refresh of the key is tried before it ends.
		logger.log(System.Logger.Level.WARNING, () -> "Refresh of key '" + key + "' in cache '" + this.name + "' "
				+ outcome.tag() + " (" + backoff.failures() + " in a row); serving the cached value, next attempt in "
				+ Duration.ofMillis(backoff.until() - now), cause);
		loadEnded(key, trigger, outcome, nanos);
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

	/** One load of one key that concurrent callers share. */
	private static final class Flight<V> {

		final CompletableFuture<SwrEntry<V>> result = new CompletableFuture<>();

		/** Whether a loaded value is written; {@code null} writes every value. */
		final @Nullable Predicate<? super V> storeIf;

		/** Set, under the flight's lock, when an evict, put or clear made this load's result obsolete. */
		boolean superseded;

		Flight(@Nullable Predicate<? super V> storeIf) {
			this.storeIf = storeIf;
		}

	}

	/** A background load of one key, run by the scheduler under its timeout. */
	private final class Refresh extends RefreshScheduler.Task {

		private final K key;

		private final SwrLoader<? super K, ? extends V> loader;

		private final Flight<V> flight;

		private final LoadTrigger trigger;

		private volatile long startNanos;

		Refresh(K key, SwrLoader<? super K, ? extends V> loader, Flight<V> flight, LoadTrigger trigger) {
			this.key = key;
			this.loader = loader;
			this.flight = flight;
			this.trigger = trigger;
		}

		@Override
		long timeoutNanos() {
			return SwrCache.this.refreshTimeoutNanos;
		}

		@Override
		void run() {
			this.startNanos = System.nanoTime();
			String lease = (SwrCache.this.shared != null) ? tryLease(this.key) : LOCAL_LEASE;
			if (lease == null) {
				// Another instance is refreshing this key; its write will reach us through the store.
				if (claim()) {
					SwrCache.this.stats.recordSkip(SkipReason.LEASE_HELD);
					abandoned();
				}
				return;
			}
			try {
				V value = null;
				Throwable failure = null;
				try {
					value = this.loader.load(this.key);
				}
				catch (Throwable ex) {
					failure = ex;
				}
				long nanos = System.nanoTime() - this.startNanos;
				if (!claim()) {
					// Timed out first: the timer counted it, and a late value is not written.
					return;
				}
				if (failure != null) {
					loadFailed(this.key, this.flight, this.trigger, LoadOutcome.FAILURE, nanos, failure, failure);
				}
				else {
					loadSucceeded(this.key, this.flight, this.trigger, value, nanos);
				}
			}
			finally {
				releaseLease(this.key, lease);
			}
		}

		@Override
		void timedOut() {
			TimeoutException timeout = new TimeoutException("Refresh of key '" + this.key + "' in cache '"
					+ SwrCache.this.name + "' ran past its refresh-timeout of " + SwrCache.this.policy.refreshTimeout());
			loadFailed(this.key, this.flight, this.trigger, LoadOutcome.TIMEOUT, System.nanoTime() - this.startNanos,
					timeout, TIMED_OUT);
		}

		@Override
		void abandoned() {
			releaseBreakerPermission(key);
			SwrCache.this.flights.remove(this.key, this.flight);
			this.flight.result.completeExceptionally(ABANDONED);
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
			return breakerFor(key);
		}

		@Override
		public int loadsInFlight() {
			return SwrCache.this.flights.size();
		}

		@Override
		public String toString() {
			return "SwrInspection[" + SwrCache.this.name + "]";
		}

	}

	/** A private signal, never thrown to callers: no stack trace to fill. */
	private static final class StacklessSignal extends Exception {

		private static final long serialVersionUID = 1L;

		StacklessSignal(String message) {
			super(message, null, false, false);
		}

	}

}
