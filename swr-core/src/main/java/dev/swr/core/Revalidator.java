package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * What one cache does with a read that is not a fresh hit: serve stale and refresh in the
 * background, wait a bounded time for an expired entry's refresh, or load a cold key under
 * {@code miss-timeout} and {@code max-concurrent-misses}. One state machine serves blocking and
 * asynchronous callers: both start the same flights, and differ only in how they wait for one
 * ({@link #read} blocks with a timeout, {@link #readAsync} composes futures with a timer).
 * <p>
 * Every load, wherever it runs, lands through {@link #land}, inside its flight's single exit.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class Revalidator<K, V> {

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	/** A wait for a flight that ran out. */
	static final Throwable WAITED = new StacklessSignal("wait elapsed");

	/** A wait for a flight that was interrupted. */
	static final Throwable INTERRUPTED = new StacklessSignal("wait interrupted");

	final String name;

	final SwrPolicy policy;

	final GuardedStore<K, V> store;

	final InstantSource clock;

	final RefreshScheduler scheduler;

	private final @Nullable CircuitBreaker breaker;

	private final @Nullable Function<Object, CircuitBreaker> breakers;

	private final SwrLoadListener listener;

	private final SwrLoadObserver observer;

	final SwrContextCapture capture;

	final SwrStats stats;

	final SingleFlight<K, V> flights = new SingleFlight<>();

	final Cache<K, KeyBackoff> backoffs;

	private final LeaseCoordinator<K, V> leases;

	private final EntryFactory<K, V> entries;

	/** Bounds the cold loads of this cache running at once (max-concurrent-misses). */
	final Bulkhead misses;

	final long expiredWaitNanos;

	final long refreshTimeoutNanos;

	/** How long a cold reader waits: miss-timeout, capped by refresh-timeout (which bounds the load). */
	final long missWaitNanos;

	/** miss-timeout 0: cold loads run on the caller's thread, unbounded, as in v1. */
	final boolean inlineMisses;

	Revalidator(String name, SwrPolicy policy, GuardedStore<K, V> store, InstantSource clock,
			RefreshScheduler scheduler, @Nullable CircuitBreaker breaker,
			@Nullable Function<Object, CircuitBreaker> breakers, EntryFactory<K, V> entries, EngineHooks hooks,
			SwrStats stats, TagLedger tags) {
		this.name = name;
		this.policy = policy;
		this.store = store;
		this.clock = clock;
		this.scheduler = scheduler;
		this.breaker = breaker;
		this.breakers = breakers;
		this.entries = entries;
		this.listener = hooks.listener();
		this.observer = hooks.observer();
		this.capture = hooks.capture();
		this.stats = stats;
		this.leases = new LeaseCoordinator<>(store, clock, policy.refreshTimeout(), tags);
		this.misses = Bulkhead.of("swr-misses-" + name, BulkheadConfig.custom()
			.maxConcurrentCalls(policy.maxConcurrentMisses())
			.maxWaitDuration(Duration.ZERO)
			.build());
		this.expiredWaitNanos = policy.expiredWait().toNanos();
		this.refreshTimeoutNanos = policy.refreshTimeout().toNanos();
		this.inlineMisses = policy.missTimeout().isZero();
		this.missWaitNanos = this.inlineMisses ? this.refreshTimeoutNanos
				: Math.min(policy.missTimeout().toNanos(), this.refreshTimeoutNanos);
		// A key's backoff is forgotten once it could no longer matter: twice the longest pause
		// after the last failure, with no attempt in between.
		this.backoffs = Caffeine.newBuilder()
			.maximumSize(100_000)
			.expireAfterWrite(policy.refreshBackoffMax().multipliedBy(2))
			.ticker(() -> clock.millis() * 1_000_000L)
			.executor(Runnable::run)
			.build();
	}

	// ---- reads, blocking -------------------------------------------------------------------

	/** Answers a read of {@code key} whose entry (maybe {@code null}) is not fresh at {@code now}. */
	SwrResult<V> read(K key, Source<K, V> source, @Nullable SwrEntry<V> entry, long now) {
		if (entry == null || now >= entry.expiresAt()) {
			return readCold(key, source);
		}
		if (now < entry.staleUntil()) {
			startRefresh(key, source, entry, LoadTrigger.REFRESH, now);
			return answer(entry.value(), SwrStatus.STALE);
		}
		Object started = startRefresh(key, source, entry, LoadTrigger.EXPIRED, now);
		if (!(started instanceof Flight<?>)) {
			return answer(entry.value(), unwaited(started));
		}
		return awaitBlocking(flight(started), this.expiredWaitNanos,
				(loaded, failure) -> expiredAnswer(entry, loaded, failure));
	}

	private SwrResult<V> readCold(K key, Source<K, V> source) {
		long deadline = System.nanoTime() + this.missWaitNanos;
		try {
			for (;;) {
				Flight<V> flight = startMiss(key, source);
				SwrResult<V> result = awaitBlocking(flight, Math.max(0, deadline - System.nanoTime()),
						(loaded, failure) -> coldAnswer(key, flight, loaded, failure));
				if (result != null) {
					return result;
				}
			}
		}
		catch (Throwable ex) {
			SwrResult<V> kept = keptElsewhere(key, ex);
			if (kept != null) {
				return kept;
			}
			// A read whose load failed is still a miss, for the counters and the status header.
			this.stats.recordGet(SwrStatus.MISS);
			SwrStatus.track(SwrStatus.MISS);
			throw Revalidator.<RuntimeException>rethrow(ex);
		}
	}

	/**
	 * A cold read whose load gave no value, on a store other instances write too: the entry one of
	 * them wrote since this read found none (or could not read the store) answers it, as the cached
	 * value served because the source failed ({@code FALLBACK}) or was too slow ({@code EXPIRED}).
	 * Costs one more read of the store, on that failure only. {@code null}: the failure stands.
	 */
	@Nullable SwrResult<V> keptElsewhere(K key, Throwable failure) {
		return mayBeKeptElsewhere(failure) ? keptElsewhere(failure, this.leases.loadedElsewhere(key)) : null;
	}

	/** The answer {@code found}, read after a {@link #mayBeKeptElsewhere} failure, gives; {@code null} if none. */
	private @Nullable SwrResult<V> keptElsewhere(Throwable failure, @Nullable SwrEntry<V> found) {
		if (found == null) {
			return null;
		}
		return answer(found.value(), (failure instanceof SwrLoadTimeoutException) ? SwrStatus.EXPIRED
				: SwrStatus.FALLBACK);
	}

	/** Whether reading the store after {@code failure} may find a value to serve. */
	private boolean mayBeKeptElsewhere(Throwable failure) {
		return this.leases.shared() && !(failure instanceof CancellationException) && !(failure instanceof Error);
	}

	private @Nullable SwrResult<V> awaitBlocking(Flight<V> flight, long waitNanos,
			BiFunction<@Nullable SwrEntry<V>, @Nullable Throwable, @Nullable SwrResult<V>> answer) {
		SwrEntry<V> loaded = null;
		Throwable failure = null;
		try {
			// A zero wait still takes a result that is already there.
			loaded = flight.result.get(waitNanos, TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			failure = ex.getCause();
		}
		catch (TimeoutException ex) {
			failure = WAITED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failure = INTERRUPTED;
		}
		return answer.apply(loaded, failure);
	}

	// ---- reads, asynchronous ---------------------------------------------------------------

	/** Like {@link #read}, never blocking the calling thread. */
	CompletableFuture<SwrResult<V>> readAsync(K key, Source<K, V> source, @Nullable SwrEntry<V> entry, long now) {
		if (entry == null || now >= entry.expiresAt()) {
			return readColdAsync(key, source, System.nanoTime() + this.missWaitNanos);
		}
		if (now < entry.staleUntil()) {
			startRefresh(key, source, entry, LoadTrigger.REFRESH, now);
			return completed(entry, SwrStatus.STALE);
		}
		Object started = startRefresh(key, source, entry, LoadTrigger.EXPIRED, now);
		if (!(started instanceof Flight<?>)) {
			return completed(entry, unwaited(started));
		}
		return awaitAsync(flight(started), this.expiredWaitNanos, (loaded, failure) -> {
			SwrResult<V> result = expiredAnswer(entry, loaded, failure);
			SwrStatus.track(result.status(), entry);
			return CompletableFuture.completedFuture(result);
		});
	}

	private CompletableFuture<SwrResult<V>> readColdAsync(K key, Source<K, V> source, long deadline) {
		Flight<V> flight = startMiss(key, source);
		return awaitAsync(flight, Math.max(0, deadline - System.nanoTime()), (loaded, failure) -> {
			SwrResult<V> result;
			try {
				result = coldAnswer(key, flight, loaded, failure);
			}
			catch (Throwable ex) {
				if (mayBeKeptElsewhere(ex)) {
					return this.leases.loadedElsewhereAsync(key)
						.thenComposeAsync((found) -> coldFailure(ex, keptElsewhere(ex, found)),
								this.scheduler::continueOffLoop);
				}
				return coldFailure(ex, null);
			}
			if (result == null) {
				return readColdAsync(key, source, deadline);
			}
			SwrStatus.track(result.status());
			return CompletableFuture.completedFuture(result);
		});
	}

	/** How an asynchronous cold read whose load failed is answered: {@code kept}, else the failure. */
	private CompletableFuture<SwrResult<V>> coldFailure(Throwable failure, @Nullable SwrResult<V> kept) {
		if (kept != null) {
			SwrStatus.track(kept.status());
			return CompletableFuture.completedFuture(kept);
		}
		this.stats.recordGet(SwrStatus.MISS);
		SwrStatus.track(SwrStatus.MISS);
		return CompletableFuture.failedFuture(failure);
	}

	/**
	 * A future answered by {@code answer} when {@code flight} ends or, with the {@link #WAITED}
	 * signal, when {@code waitNanos} pass first, whichever comes first.
	 */
	private CompletableFuture<SwrResult<V>> awaitAsync(Flight<V> flight, long waitNanos,
			BiFunction<@Nullable SwrEntry<V>, @Nullable Throwable, CompletableFuture<SwrResult<V>>> answer) {
		CompletableFuture<SwrResult<V>> answered = new CompletableFuture<>();
		AtomicBoolean decided = new AtomicBoolean();
		Runnable[] cancelWait = { () -> {
		} };
		BiFunction<@Nullable SwrEntry<V>, @Nullable Throwable, Void> decide = (loaded, failure) -> {
			if (!decided.compareAndSet(false, true)) {
				return null;
			}
			cancelWait[0].run();
			CompletableFuture<SwrResult<V>> next;
			try {
				next = answer.apply(loaded, (failure != null) ? unwrap(failure) : null);
			}
			catch (Throwable ex) {
				next = CompletableFuture.failedFuture(ex);
			}
			next.whenComplete((result, error) -> {
				if (error == null) {
					answered.complete(result);
				}
				else {
					answered.completeExceptionally(unwrap(error));
				}
			});
			return null;
		};
		if (!flight.result.isDone()) {
			if (waitNanos == 0) {
				decide.apply(null, WAITED);
			}
			else {
				cancelWait[0] = this.scheduler.schedule(() -> decide.apply(null, WAITED), waitNanos);
			}
		}
		flight.result.handle(decide);
		return answered;
	}

	/** Where an asynchronous read goes on once a store that blocks on reads has answered. */
	void continueOffLoop(Runnable task) {
		this.scheduler.continueOffLoop(task);
	}

	/** An answer from the cached {@code entry}, known at once: counted and tracked on the calling thread. */
	CompletableFuture<SwrResult<V>> completed(SwrEntry<V> entry, SwrStatus status) {
		SwrStatus.track(status, entry.freshUntil());
		return CompletableFuture.completedFuture(answer(entry.value(), status));
	}

	// ---- answers ---------------------------------------------------------------------------

	/**
	 * The answer of a cold read once the flight it waited for ended: the loaded value,
	 * {@code null} to load anew (the flight was a refresh that never asked the source or gave up on
	 * it), or an exception thrown. Each try waits only what is left of the reader's one
	 * {@code miss-timeout}.
	 */
	@Nullable SwrResult<V> coldAnswer(K key, Flight<V> flight, @Nullable SwrEntry<V> loaded,
			@Nullable Throwable failure) {
		if (failure == null) {
			return answer(loaded.value(), SwrStatus.MISS);
		}
		if (Flight.neverLoaded(failure) || (failure == Flight.TIMED_OUT && flight.trigger != LoadTrigger.MISS)) {
			return null;
		}
		if (failure == WAITED || failure == Flight.TIMED_OUT) {
			this.stats.recordMissTimedOut();
			throw new SwrLoadTimeoutException(this.name, key, Duration.ofNanos(this.missWaitNanos));
		}
		if (failure == INTERRUPTED) {
			CancellationException cancelled = new CancellationException("Interrupted while waiting for the load of key '"
					+ key + "' in cache '" + this.name + "'; the load goes on");
			cancelled.initCause(new InterruptedException());
			throw cancelled;
		}
		throw Revalidator.<RuntimeException>rethrow(failure);
	}

	/** The answer of an expired read once its refresh ended or the wait ran out. */
	SwrResult<V> expiredAnswer(SwrEntry<V> old, @Nullable SwrEntry<V> loaded, @Nullable Throwable failure) {
		if (failure == null) {
			return answer(loaded.value(), SwrStatus.MISS);
		}
		boolean sourceFailed = failure != WAITED && failure != INTERRUPTED && failure != Flight.TIMED_OUT
				&& !Flight.neverLoaded(failure);
		return answer(old.value(), sourceFailed ? SwrStatus.FALLBACK : SwrStatus.EXPIRED);
	}

	/**
	 * How an expired read is answered when {@link #startRefresh} gave no flight to wait for:
	 * {@code FALLBACK} when the source is failing (backoff, open breaker), {@code EXPIRED} when it
	 * could not be asked in time (saturated, lease held elsewhere).
	 */
	private static SwrStatus unwaited(Object skipped) {
		return (skipped == SkipReason.BACKOFF || skipped == SkipReason.CIRCUIT_OPEN) ? SwrStatus.FALLBACK
				: SwrStatus.EXPIRED;
	}

	SwrResult<V> answer(@Nullable V value, SwrStatus status) {
		this.stats.recordGet(status);
		return new SwrResult<>(value, status);
	}

	// ---- cold loads ------------------------------------------------------------------------

	/** The flight a cold reader of {@code key} waits for: the one running, or a new one it starts. */
	private Flight<V> startMiss(K key, Source<K, V> source) {
		Flight<V> running = this.flights.running(key);
		if (running != null) {
			return running;
		}
		Flight<V> mine = new Flight<>(LoadTrigger.MISS, source.storeIf, source.tagger, this.clock.millis());
		running = this.flights.claim(key, mine);
		if (running != null) {
			return running;
		}
		launchMiss(key, mine, source);
		return mine;
	}

	private void launchMiss(K key, Flight<V> flight, Source<K, V> source) {
		CircuitBreaker guard = breakerFor(key);
		if (guard != null && !guard.tryAcquirePermission()) {
			this.stats.recordSkip(SkipReason.CIRCUIT_OPEN);
			this.flights.settle(key, flight, () -> {
				throw new SwrCircuitOpenException(this.name, key, guard.getName(), guard.getState());
			});
			return;
		}
		if (!this.misses.tryAcquirePermission()) {
			releasePermission(guard);
			this.stats.recordMissRejected();
			this.flights.settle(key, flight, () -> {
				throw new SwrLoadRejectedException(this.name, key, this.policy.maxConcurrentMisses());
			});
			return;
		}
		Stopwatch watch = new Stopwatch();
		if (source.isAsync()) {
			launchAsyncMiss(key, flight, source, watch);
		}
		else if (this.inlineMisses || this.scheduler.isClosed()) {
			Loaded<V> loaded = null;
			Throwable failure = null;
			try {
				loaded = missBody(key, source, flight);
			}
			catch (Throwable ex) {
				failure = ex;
			}
			finally {
				this.misses.onComplete();
			}
			land(key, flight, loaded, failure, watch);
		}
		else {
			TimedLoad<Loaded<V>> task = new TimedLoad<>(inCallersContext(() -> missBody(key, source, flight)),
					this.refreshTimeoutNanos, this.misses::onComplete);
			task.result.whenComplete((loaded, failure) -> land(key, flight, loaded, failure, watch));
			if (!this.scheduler.execute(task)) {
				// Closed meanwhile: its waiters load anew, on their own threads.
				task.abandon();
			}
		}
	}

	/**
	 * Starts an asynchronous loader; a future that never completes is given up at refresh-timeout.
	 * With {@code lock-wait}, first the lease, or the value another instance writes, as for a
	 * blocking load ({@link #missBody}) but holding no thread: the lease is asked and the store
	 * polled asynchronously, the polls spaced by the scheduler's timer. The loader itself is called
	 * on the load pool ({@link #startOffLoop}).
	 */
	private void launchAsyncMiss(K key, Flight<V> flight, Source<K, V> source, Stopwatch watch) {
		CompletableFuture<Loaded<V>> outcome = new CompletableFuture<>();
		// The lease this load took, for landing to release should the load fail or time out.
		AtomicReference<@Nullable String> taken = new AtomicReference<>();
		// The cold-load permit is released once the load has landed and its loader has returned (or
		// is not to be called): a loader that blocks before it returns its future, past refresh-timeout
		// too, keeps its permit, so such loaders hold at most max-concurrent-misses load threads.
		AtomicInteger holds = new AtomicInteger(2);
		Runnable release = () -> {
			if (holds.decrementAndGet() == 0) {
				this.misses.onComplete();
			}
		};
		Runnable cancelTimeout = this.scheduler.schedule(() -> outcome.completeExceptionally(Flight.TIMED_OUT),
				this.refreshTimeoutNanos);
		// Landing may write to a store that blocks: not on the thread that completed the loader's
		// future, which may be an event loop (a reactive client's, or the store client's own).
		outcome.whenCompleteAsync((loaded, failure) -> {
			cancelTimeout.run();
			release.run();
			try {
				land(key, flight, loaded, failure, watch);
			}
			finally {
				if (loaded == null) {
					this.leases.release(key, taken.getAndSet(null));
				}
			}
		}, this.scheduler::onLoadPool);
		SwrContextCapture.Captured context = this.capture.capture();
		if (!this.leases.coalescesMisses()) {
			startOffLoop(key, source, outcome, null, flight, context, release);
			return;
		}
		this.leases.tryLeaseAsync(key).thenAccept((lease) -> this.scheduler.continueOffLoop(carried(context, () -> {
			if (lease != null) {
				taken.set(lease);
				if (outcome.isDone()) {
					// Timed out while the store was asked (a stalled Redis granting it late): landing
					// may have run before the lease was known, so it is released here, not left to its TTL.
					this.leases.release(key, taken.getAndSet(null));
					release.run();
					return;
				}
				if (!this.leases.fences(lease)) {
					startOffLoop(key, source, outcome, lease, flight, context, release);
					return;
				}
			}
			// Refused: wait for the holder's value. Granted: the lease is free again once its holder
			// has written, so read what it wrote, if anything.
			CompletableFuture<@Nullable SwrEntry<V>> looking = (lease == null)
					? this.leases.awaitOtherInstanceAsync(key, this.scheduler) : this.leases.loadedElsewhereAsync(key);
			looking.thenAccept((theirs) -> this.scheduler.continueOffLoop(carried(context, () -> {
				if (theirs == null) {
					startOffLoop(key, source, outcome, lease, flight, context, release);
					return;
				}
				this.leases.release(key, taken.getAndSet(null));
				release.run();
				outcome.complete(Loaded.skipped(SkipReason.LEASE_HELD, theirs));
			})));
		})));
	}

	/**
	 * Calls the asynchronous loader on the load pool, in the caller's context ({@link #startAsyncLoad}).
	 * A loader may block before it returns its future (a method whose body calls a blocking client):
	 * not on the caller's thread, which may be an event loop, nor on the few {@code swr-async}
	 * threads every asynchronous read of a remote store goes on on.
	 */
	private void startOffLoop(K key, Source<K, V> source, CompletableFuture<Loaded<V>> outcome,
			@Nullable String lease, Flight<V> flight, SwrContextCapture.Captured context, Runnable loaderReturned) {
		this.scheduler.onLoadPool(carried(context, () -> startAsyncLoad(key, source, outcome, lease, flight,
				loaderReturned)));
	}

	/**
	 * Calls an asynchronous loader; its value completes {@code outcome}, with the lease it was loaded
	 * under. {@code loaderReturned} runs once, as soon as the loader has returned (or is not called),
	 * before {@code outcome} can complete from it, so the load's permit is free when it lands.
	 */
	private void startAsyncLoad(K key, Source<K, V> source, CompletableFuture<Loaded<V>> outcome,
			@Nullable String lease, Flight<V> flight, Runnable loaderReturned) {
		if (outcome.isDone()) {
			// Timed out while the lease was asked or another instance awaited: nothing to start.
			loaderReturned.run();
			return;
		}
		SwrLoadObserver.Observed observed = observe(key, flight);
		CompletableFuture<? extends V> pending;
		try {
			try {
				pending = source.start(key);
			}
			finally {
				called(observed);
				loaderReturned.run();
			}
		}
		catch (Throwable ex) {
			outcome.completeExceptionally(ex);
			return;
		}
		if (pending == null) {
			outcome.complete(Loaded.of(null, lease));
			return;
		}
		pending.whenComplete((value, failure) -> {
			if (failure == null) {
				outcome.complete(Loaded.of(value, lease));
			}
			else {
				outcome.completeExceptionally(unwrap(failure));
			}
		});
	}

	/** A cold load: with {@code lock-wait}, first the lease, or the value another instance writes. */
	private Loaded<V> missBody(K key, Source<K, V> source, Flight<V> flight) throws Exception {
		String lease = null;
		if (this.leases.coalescesMisses()) {
			lease = this.leases.tryLease(key);
			// Refused: wait for the holder's value. Granted: the lease is free again once its holder
			// has written, so read what it wrote, if anything.
			SwrEntry<V> theirs = (lease == null) ? this.leases.awaitOtherInstance(key)
					: this.leases.fences(lease) ? this.leases.loadedElsewhere(key) : null;
			if (theirs != null) {
				this.leases.release(key, lease);
				return Loaded.skipped(SkipReason.LEASE_HELD, theirs);
			}
		}
		return loadHoldingLease(key, source, lease, flight);
	}

	/**
	 * Calls the source; the lease, if any, is kept for the write that follows ({@link #land} releases
	 * it), so the write can be fenced by it. Released here if the source throws.
	 */
	private Loaded<V> loadHoldingLease(K key, Source<K, V> source, @Nullable String lease, Flight<V> flight)
			throws Exception {
		boolean loaded = false;
		SwrLoadObserver.Observed observed = observe(key, flight);
		try {
			Loaded<V> result = Loaded.of(source.call(key), lease);
			loaded = true;
			return result;
		}
		finally {
			called(observed);
			if (!loaded) {
				this.leases.release(key, lease);
			}
		}
	}

	// ---- refreshes -------------------------------------------------------------------------

	/**
	 * Starts a background refresh of {@code key} unless one runs, the key backs off, the breaker is
	 * open or the pool is full. Never touches the store: that is the refresh thread's job.
	 * @return the flight to wait for (the new one or the one already running), or the
	 * {@link SkipReason} why there is none
	 */
	private Object startRefresh(K key, Source<K, V> source, SwrEntry<V> seen, LoadTrigger trigger, long now) {
		Flight<V> running = this.flights.running(key);
		if (running != null) {
			return skipped(SkipReason.IN_FLIGHT, running);
		}
		KeyBackoff backoff = this.backoffs.getIfPresent(key);
		if (backoff != null && now < backoff.until()) {
			return skipped(SkipReason.BACKOFF, SkipReason.BACKOFF);
		}
		CircuitBreaker guard = breakerFor(key);
		if (guard != null && !guard.tryAcquirePermission()) {
			return skipped(SkipReason.CIRCUIT_OPEN, SkipReason.CIRCUIT_OPEN);
		}
		Flight<V> flight = new Flight<>(trigger, source.storeIf, source.tagger, now);
		Flight<V> raced = this.flights.claim(key, flight);
		if (raced != null) {
			releasePermission(guard);
			return skipped(SkipReason.IN_FLIGHT, raced);
		}
		Stopwatch watch = new Stopwatch();
		TimedLoad<Loaded<V>> task = new TimedLoad<>(inCallersContext(() -> refreshBody(key, source, seen, watch,
				flight)), this.refreshTimeoutNanos, Stopwatch.NOTHING);
		task.result.whenComplete((loaded, failure) -> land(key, flight, loaded, failure, watch));
		if (!this.scheduler.submit(task)) {
			boolean closed = this.scheduler.isClosed();
			task.abandon();
			// A closing engine refuses everything: that is no saturation to count.
			return closed ? SkipReason.SATURATED : skipped(SkipReason.SATURATED, SkipReason.SATURATED);
		}
		return flight;
	}

	/** A refresh, on a pool thread: unless another refresh got there first or holds the lease, load. */
	private Loaded<V> refreshBody(K key, Source<K, V> source, SwrEntry<V> seen, Stopwatch watch, Flight<V> flight)
			throws Exception {
		watch.start();
		String lease = this.leases.tryLease(key);
		// Read after asking the lease: one granted just after another instance's refresh wrote and let
		// it go would otherwise refresh the key a second time.
		SwrEntry<V> current = this.store.get(key);
		if (current != null && current.writtenAt() > seen.writtenAt()) {
			// Replaced since the read that started this refresh: nothing to load.
			this.leases.release(key, lease);
			return Loaded.skipped(SkipReason.IN_FLIGHT, current);
		}
		if (lease == null) {
			// Another instance refreshes it; its write reaches us through the store.
			return Loaded.skipped(SkipReason.LEASE_HELD, null);
		}
		return loadHoldingLease(key, source, lease, flight);
	}

	private Object skipped(SkipReason reason, Object result) {
		this.stats.recordSkip(reason);
		return result;
	}

	// ---- landing ---------------------------------------------------------------------------

	/**
	 * Ends {@code flight} with the outcome of its load: counts it, tells the breaker, backs the key
	 * off after a failed refresh, writes a loaded value (unless superseded or refused by
	 * {@code storeIf}) and answers the waiters. All of it inside the flight's one exit, so nothing
	 * thrown here can leave the key stuck.
	 */
	private void land(K key, Flight<V> flight, @Nullable Loaded<V> loaded, @Nullable Throwable failure,
			Stopwatch watch) {
		try {
			settle(key, flight, loaded, failure, watch);
		}
		finally {
			if (loaded != null) {
				this.leases.release(key, loaded.lease());
			}
		}
	}

	private void settle(K key, Flight<V> flight, @Nullable Loaded<V> loaded, @Nullable Throwable failure,
			Stopwatch watch) {
		this.flights.settle(key, flight, () -> {
			CircuitBreaker guard = breakerFor(key);
			if (failure != null) {
				Throwable cause = unwrap(failure);
				if (Flight.neverLoaded(cause)) {
					releasePermission(guard);
				}
				else {
					loadFailed(key, flight, guard, cause, watch.elapsed());
				}
				throw cause;
			}
			if (loaded.skipped() != null) {
				releasePermission(guard);
				this.stats.recordSkip(loaded.skipped());
				if (loaded.found() == null) {
					throw Flight.ABANDONED;
				}
				return loaded.found();
			}
			long nanos = watch.elapsed();
			if (guard != null) {
				guard.onSuccess(nanos, TimeUnit.NANOSECONDS);
			}
			this.backoffs.invalidate(key);
			loadEnded(key, flight.trigger, LoadOutcome.SUCCESS, nanos, flight.observed, null);
			return writeLoaded(key, loaded.value(), flight, loaded.lease());
		});
	}

	private void loadFailed(K key, Flight<V> flight, @Nullable CircuitBreaker guard, Throwable cause, long nanos) {
		LoadTrigger trigger = flight.trigger;
		boolean timedOut = cause == Flight.TIMED_OUT;
		Throwable reported = timedOut ? new TimeoutException("Load of key '" + key + "' in cache '" + this.name
				+ "' ran past its refresh-timeout of " + this.policy.refreshTimeout()) : cause;
		if (guard != null) {
			guard.onError(nanos, TimeUnit.NANOSECONDS, reported);
		}
		LoadOutcome outcome = timedOut ? LoadOutcome.TIMEOUT : LoadOutcome.FAILURE;
		if (trigger == LoadTrigger.MISS) {
			// A miss does not back off: its callers get the error.
			loadEnded(key, trigger, outcome, nanos, flight.observed, reported);
			return;
		}
		long now = this.clock.millis();
		KeyBackoff backoff = backOff(key, now);
		// Once per backoff pause, not per read: no refresh of the key is tried before it ends.
		logger.log(System.Logger.Level.WARNING, () -> "Refresh of key '" + key + "' in cache '" + this.name + "' "
				+ outcome.tag() + " (" + backoff.failures() + " in a row); serving the cached value, next attempt in "
				+ Duration.ofMillis(backoff.until() - now), reported);
		loadEnded(key, trigger, outcome, nanos, flight.observed, reported);
	}

	/** Backs {@code key} off after a failed refresh: no refresh of it is tried before the pause ends. */
	KeyBackoff backOff(K key, long now) {
		return this.backoffs.asMap()
			.compute(key, (k, previous) -> KeyBackoff.after(previous, now, this.policy.refreshBackoff(),
					this.policy.refreshBackoffMax()));
	}

	/** Tells the observer a load of {@code key} calls the source now, on this thread; never throws. */
	SwrLoadObserver.Observed observe(Object key, LoadTrigger trigger) {
		try {
			SwrLoadObserver.Observed observed = this.observer.starting(this.name, key, trigger);
			return (observed != null) ? observed : SwrLoadObserver.Observed.NONE;
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Load observer failed", ex);
			return SwrLoadObserver.Observed.NONE;
		}
	}

	private SwrLoadObserver.Observed observe(K key, Flight<V> flight) {
		SwrLoadObserver.Observed observed = observe(key, flight.trigger);
		flight.observed = observed;
		return observed;
	}

	static void called(SwrLoadObserver.Observed observed) {
		try {
			observed.called();
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Load observer failed", ex);
		}
	}

	private static void ended(SwrLoadObserver.@Nullable Observed observed, LoadOutcome outcome,
			@Nullable Throwable error) {
		if (observed == null) {
			// The source was never called (refused, skipped): nothing was observed.
			return;
		}
		try {
			observed.ended(outcome, error);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Load observer failed", ex);
		}
	}

	/**
	 * {@code body} to run on another thread in the context of this, the calling thread: captured
	 * now, when the work is scheduled, not when it runs.
	 */
	<T> Callable<T> inCallersContext(Callable<T> body) {
		SwrContextCapture.Captured context = this.capture.capture();
		return () -> context.call(body);
	}

	/** {@code task} run in {@code context}, for a continuation on another thread. */
	static Runnable carried(SwrContextCapture.Captured context, Runnable task) {
		return () -> {
			try {
				context.call(() -> {
					task.run();
					return null;
				});
			}
			catch (RuntimeException | Error ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		};
	}

	/**
	 * A load that called the source ended: counted, told to the listener, and its observation (if the
	 * source was observed) ended with the outcome and {@code error}.
	 */
	void loadEnded(Object key, LoadTrigger trigger, LoadOutcome outcome, long nanos,
			SwrLoadObserver.@Nullable Observed observed, @Nullable Throwable error) {
		ended(observed, outcome, error);
		this.stats.recordLoad(trigger, outcome, nanos);
		try {
			this.listener.onLoad(this.name, key, trigger, outcome, nanos);
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, "Load listener failed", ex);
		}
	}

	/**
	 * Writes the result of {@code flight}'s load unless an evict, put or clear superseded it, or the
	 * flight's {@code storeIf} refuses the value (then an older value must not be served in its
	 * place either).
	 */
	SwrEntry<V> writeLoaded(K key, @Nullable V value, Flight<V> flight, @Nullable String lease) {
		List<String> tags = this.entries.tags(key, value, flight.tagger);
		// The lock orders this write against supersede(): either the write lands first and the
		// evict that follows removes it, or the flag is seen and nothing is written. A lock, not a
		// monitor: the write may wait on I/O, which must not pin a virtual thread (Java 21 to 23).
		flight.lock();
		try {
			long now = this.clock.millis();
			SwrEntry<V> entry = this.entries.create(key, value, now, flight.startedAt, tags);
			if (flight.isSuperseded()) {
				return entry;
			}
			if (flight.storeIf != null && !flight.storeIf.test(value)) {
				this.store.evict(key);
				return entry;
			}
			if (value == null && !this.policy.cacheNulls()) {
				this.store.evict(key);
				return entry;
			}
			if (!this.leases.fences(lease)) {
				this.store.put(key, entry);
				return entry;
			}
			if (Boolean.FALSE.equals(this.store.putFenced(key, entry, lease))) {
				// Something newer may be stored: the waiters get this load's value, the store keeps its own.
				this.stats.recordSkip(SkipReason.LEASE_LOST);
			}
			return entry;
		}
		finally {
			flight.unlock();
		}
	}

	/**
	 * Writes {@code value} as a new fresh entry of {@code key}; a null that is not to be cached
	 * evicts the key instead, so an older value is not served in its place.
	 * @param replacing whether a write the store refused evicts the old entry: so for {@code put},
	 * which promises to replace it; a load's refused write keeps the old entry to fall back on
	 */
	SwrEntry<V> write(K key, @Nullable V value, long now, boolean replacing) {
		SwrEntry<V> entry = this.entries.create(key, value, now);
		if (value == null && !this.policy.cacheNulls()) {
			this.store.evict(key);
		}
		else if (!this.store.put(key, entry) && replacing) {
			this.store.evict(key);
		}
		return entry;
	}

	// ---- what the facade shares ------------------------------------------------------------

	/** Marks the flight of {@code key} obsolete: an evict or put supersedes a load in flight. */
	void supersede(K key) {
		this.flights.supersede(key);
	}

	/** Supersedes every flight and forgets every backoff: the cache was cleared. */
	void supersedeAll() {
		this.flights.supersedeAll();
		this.backoffs.invalidateAll();
	}

	int loadsInFlight() {
		return this.flights.size();
	}

	int missesInFlight() {
		return this.policy.maxConcurrentMisses() - this.misses.getMetrics().getAvailableConcurrentCalls();
	}

	@Nullable CircuitBreaker breakerFor(Object key) {
		if (this.breaker != null) {
			return this.breaker;
		}
		return (this.breakers != null) ? this.breakers.apply(key) : null;
	}

	static void releasePermission(@Nullable CircuitBreaker guard) {
		if (guard != null) {
			guard.releasePermission();
		}
	}

	@SuppressWarnings("unchecked")
	private static <V> Flight<V> flight(Object started) {
		return (Flight<V>) started;
	}

	static Throwable unwrap(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	@SuppressWarnings("unchecked")
	static <T extends Throwable> T rethrow(Throwable ex) throws T {
		throw (T) ex;
	}

	/**
	 * A loader as the engine runs it: {@link #call} blocks until the value (on a pool thread or
	 * the caller's), and an asynchronous source also {@link #start}s a load as a future.
	 *
	 * @param <K> the key type
	 * @param <V> the value type
	 */
	abstract static class Source<K, V> {

		/** Whether a loaded value is written; {@code null} writes every value. */
		final @Nullable Predicate<? super V> storeIf;

		/** The tags a loaded value is written with; {@code null} for none. */
		final @Nullable SwrTagger<? super V> tagger;

		Source(@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
			this.storeIf = storeIf;
			this.tagger = tagger;
		}

		abstract @Nullable V call(K key) throws Exception;

		boolean isAsync() {
			return false;
		}

		@Nullable CompletableFuture<? extends V> start(K key) throws Exception {
			throw new IllegalStateException("Only an asynchronous source starts a load as a future");
		}

		static <K, V> Source<K, V> blocking(SwrLoader<? super K, ? extends V> loader,
				@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
			return new Source<>(storeIf, tagger) {

				@Override
				@Nullable V call(K key) throws Exception {
					return loader.load(key);
				}

			};
		}

		static <K, V> Source<K, V> async(SwrAsyncLoader<? super K, ? extends V> loader,
				@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
			return new Source<>(storeIf, tagger) {

				/** On a refresh thread: waits for the future; the refresh timeout interrupts the wait. */
				@Override
				@Nullable V call(K key) throws Exception {
					CompletableFuture<? extends V> pending = loader.load(key);
					if (pending == null) {
						return null;
					}
					try {
						return pending.get();
					}
					catch (ExecutionException ex) {
						throw Revalidator.<Exception>rethrow(unwrap(ex));
					}
				}

				@Override
				boolean isAsync() {
					return true;
				}

				@Override
				@Nullable CompletableFuture<? extends V> start(K key) throws Exception {
					return loader.load(key);
				}

			};
		}

	}

	/**
	 * What a load body yields: a value to write, or, when it skipped the source, why and the entry
	 * that serves instead ({@code null} when there is none and the waiters must do without).
	 */
	private record Loaded<V>(@Nullable V value, @Nullable SkipReason skipped, @Nullable SwrEntry<V> found,
			@Nullable String lease) {

		static <V> Loaded<V> of(@Nullable V value) {
			return new Loaded<>(value, null, null, null);
		}

		/** A value loaded under {@code lease}, which the write is fenced by and releases. */
		static <V> Loaded<V> of(@Nullable V value, @Nullable String lease) {
			return new Loaded<>(value, null, null, lease);
		}

		static <V> Loaded<V> skipped(SkipReason reason, @Nullable SwrEntry<V> found) {
			return new Loaded<>(null, reason, found, null);
		}

	}

	/** When a load started, for its duration; a refresh starts on its pool thread, not when queued. */
	private static final class Stopwatch {

		static final Runnable NOTHING = () -> {
		};

		private volatile long start = System.nanoTime();

		void start() {
			this.start = System.nanoTime();
		}

		long elapsed() {
			return System.nanoTime() - this.start;
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
