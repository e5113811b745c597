package dev.swr.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * Reads of many keys at once ({@link SwrCache#getAll}): each key is answered as a read of it alone
 * would be, but the keys that need the source are loaded by one call of it. Fresh keys are hits;
 * stale keys are served and refreshed by one background call (bounded like any refresh); absent and
 * expired keys are loaded by one call with only those keys, which their readers wait for up to
 * {@code miss-timeout} and {@code expired-wait}; a key another call is loading is awaited, not
 * loaded again. Each key has its own flight in the cache's single-flight map, so a batch and a read
 * of one key never load the same key twice.
 * <p>
 * One batch call is one load for the counters, the breaker and {@code max-concurrent-misses}; a
 * failed refresh backs off each of its keys.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class BatchReads<K, V> {

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	/** Rounds of starting or joining flights before a key still unanswered gives up. */
	private static final int MAX_ROUNDS = 3;

	private final Revalidator<K, V> engine;

	BatchReads(Revalidator<K, V> engine) {
		this.engine = engine;
	}

	/**
	 * Answers every key of {@code keys}, in their order, without duplicates.
	 * @param reader the cache's read of one key (store failures already a miss, tags applied)
	 * @throws RuntimeException the exception of a key that has nothing cached to serve: its load's,
	 * {@link SwrLoadTimeoutException}, {@link SwrLoadRejectedException} or {@link SwrCircuitOpenException}
	 */
	Map<K, SwrResult<V>> read(Collection<? extends K> keys, Function<K, @Nullable SwrEntry<V>> reader,
			SwrBatchLoader<K, V> loader, @Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger) {
		long now = this.engine.clock.millis();
		long start = System.nanoTime();
		Map<K, SwrResult<V>> answered = new LinkedHashMap<>();
		Map<K, Waiting<V>> waiting = new LinkedHashMap<>();
		Map<K, SwrEntry<V>> stale = new LinkedHashMap<>();
		for (K key : keys) {
			if (key == null) {
				throw new IllegalArgumentException("Keys of a batch read of cache '" + this.engine.name
						+ "' must not contain null");
			}
			if (answered.containsKey(key) || waiting.containsKey(key)) {
				continue;
			}
			SwrEntry<V> entry = reader.apply(key);
			if (entry != null && now >= entry.expiresAt()) {
				entry = null;
			}
			if (entry != null && now < entry.freshUntil()) {
				answered.put(key, this.engine.answer(entry.value(), SwrStatus.HIT));
			}
			else if (entry != null && now < entry.staleUntil()) {
				answered.put(key, this.engine.answer(entry.value(), SwrStatus.STALE));
				stale.put(key, entry);
			}
			else {
				long wait = (entry == null) ? this.engine.missWaitNanos : this.engine.expiredWaitNanos;
				waiting.put(key, new Waiting<>(entry, start + wait));
			}
		}
		if (!stale.isEmpty()) {
			refresh(stale.keySet(), loader, storeIf, tagger, now);
		}
		boolean waitedAny = !waiting.isEmpty();
		for (int round = 1; !waiting.isEmpty(); round++) {
			startOrJoin(waiting, loader, storeIf, tagger, round == MAX_ROUNDS);
			for (Iterator<Map.Entry<K, Waiting<V>>> it = waiting.entrySet().iterator(); it.hasNext();) {
				Map.Entry<K, Waiting<V>> next = it.next();
				SwrResult<V> result = await(next.getKey(), next.getValue());
				if (result != null) {
					answered.put(next.getKey(), result);
					it.remove();
				}
				else {
					next.getValue().flight = null;
				}
			}
		}
		if (!waitedAny) {
			// Answered in the order read: the order of the keys.
			return answered;
		}
		Map<K, SwrResult<V>> ordered = new LinkedHashMap<>();
		for (K key : keys) {
			ordered.putIfAbsent(key, answered.get(key));
		}
		return ordered;
	}

	/** Joins the flight of each waiting key that has one, and starts one load for all the others. */
	private void startOrJoin(Map<K, Waiting<V>> waiting, SwrBatchLoader<K, V> loader,
			@Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger, boolean lastRound) {
		long now = this.engine.clock.millis();
		Map<K, Flight<V>> mine = new LinkedHashMap<>();
		for (Map.Entry<K, Waiting<V>> next : waiting.entrySet()) {
			Waiting<V> key = next.getValue();
			Flight<V> running = this.engine.flights.running(next.getKey());
			if (running == null) {
				Flight<V> flight = new Flight<>((key.old == null) ? LoadTrigger.MISS : LoadTrigger.EXPIRED, storeIf, tagger,
						now);
				running = this.engine.flights.claim(next.getKey(), flight);
				if (running == null) {
					mine.put(next.getKey(), flight);
					running = flight;
				}
			}
			key.flight = running;
			key.lastRound = lastRound;
		}
		if (!mine.isEmpty()) {
			LoadTrigger trigger = mine.values().stream().anyMatch((flight) -> flight.trigger == LoadTrigger.MISS)
					? LoadTrigger.MISS : LoadTrigger.EXPIRED;
			launch(mine, loader, trigger);
		}
	}

	/** The answer of one waiting key once its flight ended or its wait ran out; {@code null} to load anew. */
	private @Nullable SwrResult<V> await(K key, Waiting<V> waiting) {
		SwrEntry<V> loaded = null;
		Throwable failure = null;
		try {
			loaded = waiting.flight.result.get(Math.max(0, waiting.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			failure = Revalidator.unwrap(ex.getCause());
		}
		catch (TimeoutException ex) {
			failure = Revalidator.WAITED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			failure = Revalidator.INTERRUPTED;
		}
		if (waiting.old != null) {
			return this.engine.expiredAnswer(waiting.old, loaded, failure);
		}
		SwrResult<V> answer;
		try {
			answer = this.engine.coldAnswer(key, waiting.flight, loaded, failure);
			if (answer == null && waiting.lastRound) {
				// A flight that never loaded, again and again: give up as a wait that ran out.
				answer = this.engine.coldAnswer(key, waiting.flight, null, Revalidator.WAITED);
			}
		}
		catch (RuntimeException | Error ex) {
			SwrResult<V> kept = this.engine.keptElsewhere(key, ex);
			if (kept != null) {
				return kept;
			}
			this.engine.stats.recordGet(SwrStatus.MISS);
			throw ex;
		}
		return answer;
	}

	/** Starts one background refresh of the stale keys no flight, backoff or open breaker holds back. */
	private void refresh(Set<K> stale, SwrBatchLoader<K, V> loader, @Nullable Predicate<? super V> storeIf,
			@Nullable SwrTagger<? super V> tagger, long now) {
		Map<K, Flight<V>> mine = new LinkedHashMap<>();
		for (K key : stale) {
			if (this.engine.flights.running(key) != null) {
				this.engine.stats.recordSkip(SkipReason.IN_FLIGHT);
				continue;
			}
			KeyBackoff backoff = this.engine.backoffs.getIfPresent(key);
			if (backoff != null && now < backoff.until()) {
				this.engine.stats.recordSkip(SkipReason.BACKOFF);
				continue;
			}
			Flight<V> flight = new Flight<>(LoadTrigger.REFRESH, storeIf, tagger, now);
			if (this.engine.flights.claim(key, flight) != null) {
				this.engine.stats.recordSkip(SkipReason.IN_FLIGHT);
				continue;
			}
			mine.put(key, flight);
		}
		if (!mine.isEmpty()) {
			launch(mine, loader, LoadTrigger.REFRESH);
		}
	}

	/**
	 * One call of the source for the keys of {@code flights}, each flight registered by the caller and
	 * ended here on every path: refused by a breaker or by {@code max-concurrent-misses}, refused by
	 * the pool, failed, timed out or loaded.
	 */
	private void launch(Map<K, Flight<V>> flights, SwrBatchLoader<K, V> loader, LoadTrigger trigger) {
		List<CircuitBreaker> guards = acquireBreakers(flights, trigger);
		if (flights.isEmpty()) {
			return;
		}
		boolean refresh = trigger == LoadTrigger.REFRESH;
		if (!refresh && !this.engine.misses.tryAcquirePermission()) {
			guards.forEach(Revalidator::releasePermission);
			this.engine.stats.recordMissRejected();
			List<K> keys = List.copyOf(flights.keySet());
			settleAll(flights, new SwrLoadRejectedException(this.engine.name, keys, this.engine.policy.maxConcurrentMisses()));
			return;
		}
		Set<K> keys = Collections.unmodifiableSet(new LinkedHashSet<>(flights.keySet()));
		long started = System.nanoTime();
		AtomicReference<SwrLoadObserver.@Nullable Observed> observed = new AtomicReference<>();
		Callable<Map<? extends K, ? extends V>> body = this.engine.inCallersContext(() -> {
			SwrLoadObserver.Observed observing = this.engine.observe(List.copyOf(keys), trigger);
			observed.set(observing);
			try {
				Map<? extends K, ? extends V> values = loader.loadAll(keys);
				return (values != null) ? values : Map.of();
			}
			finally {
				Revalidator.called(observing);
			}
		});
		Runnable onExit = refresh ? () -> {
		} : this.engine.misses::onComplete;
		if (!refresh && (this.engine.inlineMisses || this.engine.scheduler.isClosed())) {
			Map<? extends K, ? extends V> values = null;
			Throwable failure = null;
			try {
				values = body.call();
			}
			catch (Throwable ex) {
				failure = ex;
			}
			finally {
				onExit.run();
			}
			land(flights, guards, trigger, values, failure, started, observed.get());
			return;
		}
		TimedLoad<Map<? extends K, ? extends V>> task = new TimedLoad<>(body, this.engine.refreshTimeoutNanos, onExit);
		task.result.whenComplete(
				(values, failure) -> land(flights, guards, trigger, values, failure, started, observed.get()));
		boolean taken = refresh ? this.engine.scheduler.submit(task) : this.engine.scheduler.execute(task);
		if (!taken) {
			if (refresh && !this.engine.scheduler.isClosed()) {
				this.engine.stats.recordSkip(SkipReason.SATURATED);
			}
			// Its waiters load anew; a refresh's readers were served already.
			task.abandon();
		}
	}

	/**
	 * Asks each breaker guarding some of the keys once; the keys of a breaker that refuses leave
	 * {@code flights}, their flights ended with {@link SwrCircuitOpenException} (a refresh's simply
	 * end: its readers were served).
	 * @return the breakers that gave a permission, to be told the outcome
	 */
	private List<CircuitBreaker> acquireBreakers(Map<K, Flight<V>> flights, LoadTrigger trigger) {
		Map<CircuitBreaker, Boolean> asked = new IdentityHashMap<>();
		List<CircuitBreaker> acquired = new ArrayList<>();
		for (Iterator<Map.Entry<K, Flight<V>>> it = flights.entrySet().iterator(); it.hasNext();) {
			Map.Entry<K, Flight<V>> next = it.next();
			CircuitBreaker guard = this.engine.breakerFor(next.getKey());
			if (guard == null) {
				continue;
			}
			Boolean permitted = asked.get(guard);
			if (permitted == null) {
				permitted = guard.tryAcquirePermission();
				asked.put(guard, permitted);
				if (permitted) {
					acquired.add(guard);
				}
				else {
					this.engine.stats.recordSkip(SkipReason.CIRCUIT_OPEN);
				}
			}
			if (!permitted) {
				it.remove();
				K key = next.getKey();
				this.engine.flights.settle(key, next.getValue(), () -> {
					if (trigger == LoadTrigger.REFRESH) {
						throw Flight.ABANDONED;
					}
					throw new SwrCircuitOpenException(this.engine.name, key, guard.getName(), guard.getState());
				});
			}
		}
		return acquired;
	}

	/** Ends every flight of one call: counted once, the breakers told once, each key written or failed. */
	private void land(Map<K, Flight<V>> flights, List<CircuitBreaker> guards, LoadTrigger trigger,
			@Nullable Map<? extends K, ? extends V> values, @Nullable Throwable failure, long started,
			SwrLoadObserver.@Nullable Observed observed) {
		long nanos = System.nanoTime() - started;
		List<K> keys = List.copyOf(flights.keySet());
		Throwable cause = (failure != null) ? Revalidator.unwrap(failure) : null;
		try {
			if (cause != null && Flight.neverLoaded(cause)) {
				guards.forEach(Revalidator::releasePermission);
			}
			else if (cause != null) {
				failed(keys, guards, trigger, cause, nanos, observed);
			}
			else {
				guards.forEach((guard) -> guard.onSuccess(nanos, TimeUnit.NANOSECONDS));
				this.engine.backoffs.invalidateAll(keys);
				this.engine.loadEnded(keys, trigger, LoadOutcome.SUCCESS, nanos, observed, null);
				warnIfNoKeyMatches(keys, values);
			}
		}
		finally {
			for (Map.Entry<K, Flight<V>> next : flights.entrySet()) {
				K key = next.getKey();
				Flight<V> flight = next.getValue();
				this.engine.flights.settle(key, flight, () -> {
					if (cause != null) {
						throw cause;
					}
					return this.engine.writeLoaded(key, values.get(key), flight, null);
				});
			}
		}
	}

	private void failed(List<K> keys, List<CircuitBreaker> guards, LoadTrigger trigger, Throwable cause, long nanos,
			SwrLoadObserver.@Nullable Observed observed) {
		boolean timedOut = cause == Flight.TIMED_OUT;
		Throwable reported = timedOut ? new TimeoutException("Batch load of " + keys.size() + " keys in cache '"
				+ this.engine.name + "' ran past its refresh-timeout of " + this.engine.policy.refreshTimeout()) : cause;
		guards.forEach((guard) -> guard.onError(nanos, TimeUnit.NANOSECONDS, reported));
		LoadOutcome outcome = timedOut ? LoadOutcome.TIMEOUT : LoadOutcome.FAILURE;
		if (trigger != LoadTrigger.MISS) {
			long now = this.engine.clock.millis();
			KeyBackoff longest = null;
			for (K key : keys) {
				KeyBackoff backoff = this.engine.backOff(key, now);
				longest = (longest == null || backoff.until() > longest.until()) ? backoff : longest;
			}
			long pause = longest.until() - now;
			logger.log(System.Logger.Level.WARNING, () -> "Batch refresh of " + keys.size() + " keys in cache '"
					+ this.engine.name + "' " + outcome.tag() + "; serving the cached values, next attempt in "
					+ Duration.ofMillis(pause), reported);
		}
		this.engine.loadEnded(keys, trigger, outcome, nanos, observed, reported);
	}

	/** A map that holds none of the keys asked is most likely keyed by another type (Integer for Long). */
	private void warnIfNoKeyMatches(List<K> keys, @Nullable Map<? extends K, ? extends V> values) {
		if (values == null || values.isEmpty()) {
			return;
		}
		for (K key : keys) {
			if (values.containsKey(key)) {
				return;
			}
		}
		K asked = keys.get(0);
		Object returned = values.keySet().iterator().next();
		logger.log(System.Logger.Level.WARNING, () -> "Batch load of cache '" + this.engine.name + "' returned "
				+ values.size() + " values but none for the keys asked: asked " + describe(asked) + ", returned "
				+ describe(returned) + "; every key is taken as absent");
	}

	private static String describe(@Nullable Object key) {
		return "'" + key + "' (" + ((key != null) ? key.getClass().getName() : "null") + ")";
	}

	private void settleAll(Map<K, Flight<V>> flights, RuntimeException failure) {
		for (Map.Entry<K, Flight<V>> next : flights.entrySet()) {
			this.engine.flights.settle(next.getKey(), next.getValue(), () -> {
				throw failure;
			});
		}
	}

	/** A key that waits for a load: its expired entry, if any, and until when it waits. */
	private static final class Waiting<V> {

		final @Nullable SwrEntry<V> old;

		final long deadline;

		@Nullable Flight<V> flight;

		boolean lastRound;

		Waiting(@Nullable SwrEntry<V> old, long deadline) {
			this.old = old;
			this.deadline = deadline;
		}

	}

}
