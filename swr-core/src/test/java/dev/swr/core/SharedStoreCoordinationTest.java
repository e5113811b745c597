package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Two engines (two application instances) on one {@link SharedStore}: refresh leases and cold-key
 * coalescing, and failing open when the store cannot be asked.
 */
class SharedStoreCoordinationTest {

	private final ManualClock clock = new ManualClock();

	private final SharedMap store = new SharedMap();

	private final ManualExecutor refreshesA = new ManualExecutor();

	private final ManualExecutor refreshesB = new ManualExecutor();

	private final SwrEngine engineA = SwrEngine.builder().clock(this.clock).refreshExecutor(this.refreshesA).build();

	private final SwrEngine engineB = SwrEngine.builder().clock(this.clock).refreshExecutor(this.refreshesB).build();

	private final SwrPolicy policy = SwrPolicy.builder().fresh(Duration.ofSeconds(10)).jitter(0).build();

	private final SwrCache<String, String> instanceA = this.engineA.<String, String>newCache("shared")
		.policy(this.policy).store(this.store).build();

	private final SwrCache<String, String> instanceB = this.engineB.<String, String>newCache("shared")
		.policy(this.policy).store(this.store).build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engineA.close(Duration.ofSeconds(1));
		this.engineB.close(Duration.ofSeconds(1));
	}

	@Test
	void aValueLoadedByOneInstanceIsAHitOnTheOther() {
		this.instanceA.get("k", (key) -> "v" + this.loads.incrementAndGet());
		assertThat(this.instanceB.getWithStatus("k", (key) -> "never")).isEqualTo(new SwrResult<>("v1", SwrStatus.HIT));
	}

	@Test
	void aStaleKeyIsRefreshedByTheInstanceHoldingTheLeaseOnly() {
		this.instanceA.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(11));
		assertThat(this.instanceA.getWithStatus("k", this::load).status()).isEqualTo(SwrStatus.STALE);
		assertThat(this.instanceB.getWithStatus("k", this::load).status()).isEqualTo(SwrStatus.STALE);
		// A's refresh holds the lease while it loads: B's refresh, starting meanwhile, must skip.
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.store.onLoadOfA = () -> {
			loading.countDown();
			await(release);
		};
		Thread a = new Thread(this.refreshesA::runAll);
		a.start();
		await(loading);
		this.refreshesB.runAll();
		release.countDown();
		join(a);
		assertThat(this.loads).hasValue(1);
		assertThat(this.instanceB.stats().skips(SkipReason.LEASE_HELD)).isEqualTo(1);
		assertThat(this.store.leases).isEmpty();
		assertThat(this.instanceB.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("v1", SwrStatus.HIT));
	}

	@Test
	void withLockWaitAColdKeyIsLoadedByOneInstanceAndTheOtherWaitsForIt() throws Exception {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofSeconds(10);
		SwrCache<String, String> a = this.engineA.<String, String>newCache("cold").store(coalescing).build();
		SwrCache<String, String> b = this.engineB.<String, String>newCache("cold").store(coalescing).build();
		CountDownLatch loading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		// Threads of the test's own: the common pool may have a single thread on a small machine.
		java.util.concurrent.ExecutorService instances = java.util.concurrent.Executors.newFixedThreadPool(2);
		CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> a.get("k", (key) -> {
			loading.countDown();
			await(release);
			return "v" + this.loads.incrementAndGet();
		}), instances);
		await(loading);
		CompletableFuture<SwrResult<String>> second = CompletableFuture.supplyAsync(() -> b.getWithStatus("k", this::load),
				instances);
		// Release A's load only once B has been refused the lease and waits for A's value.
		await(coalescing.leaseRefused);
		release.countDown();
		assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("v1");
		assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(new SwrResult<>("v1", SwrStatus.MISS));
		assertThat(this.loads).hasValue(1);
		assertThat(b.stats().skips(SkipReason.LEASE_HELD)).isEqualTo(1);
		instances.shutdown();
	}

	@Test
	void aStoreThatCannotGrantLeasesDoesNotStopRefreshes() {
		this.instanceA.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(11));
		this.store.leaseFails.set(true);
		this.instanceA.get("k", this::load);
		this.refreshesA.runAll();
		assertThat(this.loads).hasValue(1);
		assertThat(this.instanceA.stats()
			.storeErrors(SwrStoreException.Operation.LEASE, SwrStoreException.Reason.UNAVAILABLE)).isEqualTo(1);
		assertThat(this.instanceA.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("v1", SwrStatus.HIT));
	}

	@Test
	void aRefreshWhoseLeaseWasTakenOverIsAnsweredButNotStored() {
		this.instanceA.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(11));
		this.instanceA.get("k", (key) -> {
			// While this refresh loads, its lease lapses and another instance takes the key over.
			this.store.leases.put(key, "another instance's token");
			return load(key);
		});
		this.refreshesA.runAll();

		assertThat(this.loads).hasValue(1);
		assertThat(this.instanceA.stats().skips(SkipReason.LEASE_LOST)).isEqualTo(1);
		assertThat(this.store.entries.get("k").value()).as("the store kept what it had").isEqualTo("v0");
		assertThat(this.store.leases).as("the other instance's lease was left alone")
			.containsEntry("k", "another instance's token");
	}

	@Test
	void aRefreshHoldingItsLeaseWritesAndThenReleasesIt() {
		this.instanceA.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(11));
		this.instanceA.get("k", this::load);
		this.refreshesA.runAll();

		assertThat(this.store.entries.get("k").value()).isEqualTo("v1");
		assertThat(this.store.fencedWrites).hasValue(1);
		assertThat(this.store.leases).as("released after the write").isEmpty();
	}

	@Test
	void withLockWaitAnAsynchronousMissWhoseLeaseCannotBeAskedStillLoads() throws Exception {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofSeconds(10);
		coalescing.leaseFails.set(true);
		SwrCache<String, String> a = this.engineA.<String, String>newCache("cold").store(coalescing).build();

		SwrResult<String> result = a.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key)))
			.get(5, TimeUnit.SECONDS);

		assertThat(result).isEqualTo(new SwrResult<>("v1", SwrStatus.MISS));
		assertThat(a.stats().storeErrors(SwrStoreException.Operation.LEASE, SwrStoreException.Reason.UNAVAILABLE))
			.isEqualTo(1);
	}

	@Test
	void withLockWaitAnAsynchronousMissStopsWaitingForALeaseNobodyReleasesAndLoadsItself() throws Exception {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofMillis(100);
		coalescing.leases.put("k", "a holder that never writes");
		SwrCache<String, String> a = this.engineA.<String, String>newCache("cold").store(coalescing).build();

		SwrResult<String> result = a.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key)))
			.get(5, TimeUnit.SECONDS);

		assertThat(result).isEqualTo(new SwrResult<>("v1", SwrStatus.MISS));
		assertThat(this.loads).hasValue(1);
		assertThat(coalescing.entries.get("k").value()).isEqualTo("v1");
	}

	@Test
	void withLockWaitALeaseGrantedAfterTheAsynchronousMissTimedOutIsReleasedNotLeftToItsTtl() throws Exception {
		ManualTimer timer = new ManualTimer();
		SwrEngine engine = SwrEngine.builder().clock(this.clock).refreshExecutor(this.refreshesA).timeoutTimer(timer)
			.build();
		try {
			SharedMap coalescing = new SharedMap();
			coalescing.lockWait = Duration.ofSeconds(10);
			CompletableFuture<@Nullable String> grant = new CompletableFuture<>();
			coalescing.asyncLease = grant;
			SwrCache<String, String> a = engine.<String, String>newCache("cold").store(coalescing).build();

			CompletableFuture<SwrResult<String>> answer = a.getAsync("k",
					(key) -> CompletableFuture.completedFuture(load(key)));
			// The store stalls on the lease: refresh-timeout fires first and the miss fails.
			assertThat(timer.fireAll()).isPositive();
			Awaitility.await().atMost(Duration.ofSeconds(5)).until(answer::isDone);
			assertThat(answer).isCompletedExceptionally();
			// The stalled store grants the lease after all (Redis running a queued SET NX).
			coalescing.leases.put("k", "granted-late");
			grant.complete("granted-late");

			Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> coalescing.leases.isEmpty());
			assertThat(this.loads).as("nothing loaded under a lease granted too late").hasValue(0);
		}
		finally {
			engine.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void withLockWaitAnEntryItsTagEvictedIsNotTakenForTheValueAnotherInstanceLoads() throws Exception {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofMillis(100);
		long now = this.clock.millis();
		coalescing.entries.put("k", new SwrEntry<>("evicted", now - 1_000, now + 9_000, now + 20_000, now + 30_000,
				List.of("t")));
		SwrCache<String, String> a = this.engineA.<String, String>newCache("cold").store(coalescing).build();
		a.evictByTag("t", false);
		this.clock.advance(Duration.ofMillis(1));
		coalescing.leases.put("k", "a holder that never writes");

		assertThat(a.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("v1", SwrStatus.MISS));
		coalescing.entries.put("k", new SwrEntry<>("evicted", now - 1_000, now + 9_000, now + 20_000, now + 30_000,
				List.of("t")));
		assertThat(a.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key))).get(5, TimeUnit.SECONDS))
			.isEqualTo(new SwrResult<>("v2", SwrStatus.MISS));
	}

	@Test
	void withLockWaitAColdReadGrantedTheLeaseJustAfterAnotherInstanceWroteAnswersThatValue() {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofSeconds(10);
		SwrCache<String, String> b = this.engineB.<String, String>newCache("cold").store(coalescing).build();
		// B has read nothing; before it asks the lease, A writes the value and lets its lease go.
		coalescing.onLeaseAsked = () -> coalescing.entries.put("k", entryWrittenNow("A's value"));

		assertThat(b.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("A's value", SwrStatus.MISS));
		assertThat(this.loads).as("the key loaded once, by A").hasValue(0);
		assertThat(b.stats().skips(SkipReason.LEASE_HELD)).isEqualTo(1);
		assertThat(coalescing.leases).as("the lease B took was given back").isEmpty();
	}

	@Test
	void withLockWaitAnAsynchronousColdReadGrantedTheLeaseJustAfterAnotherInstanceWroteAnswersThatValue()
			throws Exception {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofSeconds(10);
		SwrCache<String, String> b = this.engineB.<String, String>newCache("cold").store(coalescing).build();
		coalescing.onLeaseAsked = () -> coalescing.entries.put("k", entryWrittenNow("A's value"));

		assertThat(b.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key))).get(5, TimeUnit.SECONDS))
			.isEqualTo(new SwrResult<>("A's value", SwrStatus.MISS));
		assertThat(this.loads).hasValue(0);
		assertThat(coalescing.leases).isEmpty();
	}

	@Test
	void withLockWaitAnExpiredEntryFoundUnderTheLeaseIsNotTakenForAnotherInstancesValue() {
		SharedMap coalescing = new SharedMap();
		coalescing.lockWait = Duration.ofSeconds(10);
		SwrCache<String, String> b = this.engineB.<String, String>newCache("cold").store(coalescing).build();
		long now = this.clock.millis();
		coalescing.onLeaseAsked = () -> coalescing.entries.put("k",
				new SwrEntry<>("dead", now - 40_000, now - 30_000, now - 20_000, now - 1, List.of()));

		assertThat(b.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("v1", SwrStatus.MISS));
		assertThat(coalescing.entries.get("k").value()).isEqualTo("v1");
	}

	@Test
	void aRefreshGrantedTheLeaseJustAfterAnotherInstancesRefreshWroteDoesNotLoadAgain() {
		this.instanceA.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(11));
		assertThat(this.instanceB.getWithStatus("k", this::load).status()).isEqualTo(SwrStatus.STALE);
		// B's refresh has not begun; as it asks the lease, A's refresh of the key writes and lets it go.
		this.store.onLeaseAsked = () -> this.store.entries.put("k", entryWrittenNow("A's refresh"));
		this.refreshesB.runAll();

		assertThat(this.loads).hasValue(0);
		assertThat(this.store.leases).isEmpty();
		assertThat(this.instanceB.getWithStatus("k", this::load))
			.isEqualTo(new SwrResult<>("A's refresh", SwrStatus.HIT));
	}

	@Test
	void anExpiredReadWhoseRefreshIsRefusedTheLeaseGetsTheValueItsHolderHasJustWritten() throws Exception {
		SwrPolicy waiting = this.policy.toBuilder()
			.stale(Duration.ofSeconds(10))
			.expired(Duration.ofHours(1))
			.expiredWait(Duration.ofSeconds(5))
			.refreshTimeout(Duration.ofSeconds(10))
			.build();
		SwrCache<String, String> b = this.engineB.<String, String>newCache("waiting").policy(waiting)
			.store(this.store).build();
		b.get("k", (key) -> "v0");
		this.clock.advance(Duration.ofSeconds(21));
		CompletableFuture<SwrResult<String>> expired = CompletableFuture.supplyAsync(() -> b.getWithStatus("k",
				this::load));
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.refreshesB.pending() > 0);
		// Before B's refresh begins, A refreshes the key and writes; its lease is not released yet.
		this.store.entries.put("k", entryWrittenNow("A's refresh"));
		this.store.leases.put("k", "A's token");
		this.refreshesB.runAll();

		assertThat(expired.get(5, TimeUnit.SECONDS)).isEqualTo(new SwrResult<>("A's refresh", SwrStatus.MISS));
		assertThat(this.loads).hasValue(0);
		assertThat(this.store.leases).containsEntry("k", "A's token");
	}

	@Test
	void aColdReadWhoseLoadFailsServesTheValueAnotherInstanceWroteMeanwhile() {
		SwrResult<String> result = this.instanceB.getWithStatus("k", (key) -> {
			// While B's load runs into a failing source, A's load of the key succeeds and writes.
			this.store.entries.put(key, entryWrittenNow("A's value"));
			throw new IllegalStateException("source down");
		});

		assertThat(result).isEqualTo(new SwrResult<>("A's value", SwrStatus.FALLBACK));
		assertThat(this.instanceB.stats().gets(SwrStatus.FALLBACK)).isEqualTo(1);
		assertThat(this.instanceB.stats().gets(SwrStatus.MISS)).isZero();
	}

	@Test
	void anAsynchronousColdReadWhoseLoadFailsServesTheValueAnotherInstanceWroteMeanwhile() throws Exception {
		SwrResult<String> result = this.instanceB.getAsync("k", (key) -> {
			this.store.entries.put(key, entryWrittenNow("A's value"));
			return CompletableFuture.failedFuture(new IllegalStateException("source down"));
		}).get(5, TimeUnit.SECONDS);

		assertThat(result).isEqualTo(new SwrResult<>("A's value", SwrStatus.FALLBACK));
	}

	@Test
	void aBatchReadWhoseLoadFailsServesTheKeysAnotherInstanceWroteMeanwhileAndFailsOnlyForTheOthers() {
		Map<String, SwrResult<String>> answered = this.instanceB.getAll(List.of("a", "b"), (keys) -> {
			this.store.entries.put("a", entryWrittenNow("A's a"));
			this.store.entries.put("b", entryWrittenNow("A's b"));
			throw new IllegalStateException("source down");
		});

		assertThat(answered).containsExactly(Map.entry("a", new SwrResult<>("A's a", SwrStatus.FALLBACK)),
				Map.entry("b", new SwrResult<>("A's b", SwrStatus.FALLBACK)));

		IllegalStateException down = new IllegalStateException("source down");
		assertThatThrownBy(() -> this.instanceB.getAll(List.of("a", "c"), (keys) -> {
			throw down;
		})).as("c has nothing stored anywhere").isSameAs(down);
	}

	@Test
	void aColdReadThatCouldNotReadTheStoreAndFindsTheBreakerOpenServesWhatTheStoreHolds() throws Exception {
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("products");
		breaker.transitionToOpenState();
		SwrCache<String, String> b = this.engineB.<String, String>newCache("guarded").store(this.store)
			.circuitBreaker(breaker).build();
		this.store.entries.put("k", entryWrittenNow("stored"));
		// Redis did not answer the read in time: the read found nothing, and the source may not be asked.
		this.store.failingGets.set(1);
		assertThat(b.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("stored", SwrStatus.FALLBACK));

		this.store.failingGets.set(1);
		assertThat(b.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key))).get(5, TimeUnit.SECONDS))
			.isEqualTo(new SwrResult<>("stored", SwrStatus.FALLBACK));
		assertThat(this.loads).hasValue(0);
		assertThat(b.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.TIMEOUT))
			.isEqualTo(2);
	}

	@Test
	void aColdReadWhoseLoadFailsWithNothingStoredAnywhereFailsWithTheSourcesException() {
		IllegalStateException down = new IllegalStateException("source down");
		assertThatThrownBy(() -> this.instanceB.getWithStatus("k", (key) -> {
			throw down;
		})).isSameAs(down);
		assertThatThrownBy(() -> this.instanceB.getAsync("k", (key) -> CompletableFuture.failedFuture(down))
				.get(5, TimeUnit.SECONDS))
			.hasCause(down);
		assertThat(this.instanceB.stats().gets(SwrStatus.MISS)).isEqualTo(2);
		assertThat(this.instanceB.stats().gets(SwrStatus.FALLBACK)).isZero();
	}

	private SwrEntry<String> entryWrittenNow(String value) {
		long now = this.clock.millis();
		return new SwrEntry<>(value, now, now + 10_000, now + 20_000, now + 30_000, List.of());
	}

	private String load(String key) {
		return "v" + this.loads.incrementAndGet();
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void join(Thread thread) {
		try {
			thread.join(5_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A shared store in one map, standing for Redis; leases are entries in a second map. */
	static final class SharedMap implements SharedStore<String, String> {

		final Map<String, SwrEntry<String>> entries = new ConcurrentHashMap<>();

		final Map<String, String> leases = new ConcurrentHashMap<>();

		final AtomicBoolean leaseFails = new AtomicBoolean();

		final CountDownLatch leaseRefused = new CountDownLatch(1);

		final AtomicInteger fencedWrites = new AtomicInteger();

		volatile Duration lockWait = Duration.ZERO;

		/** When set, what {@link #tryLeaseAsync} answers, completed by the test: a store that stalls. */
		volatile @Nullable CompletableFuture<@Nullable String> asyncLease;

		volatile Runnable onLoadOfA = () -> {
		};

		/** Run once, as the next lease is asked: what another instance does just before. */
		volatile Runnable onLeaseAsked = () -> {
		};

		/** How many of the next reads fail as a Redis command timing out would. */
		final AtomicInteger failingGets = new AtomicInteger();

		@Override
		public @Nullable SwrEntry<String> get(String key) {
			if (this.failingGets.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new SwrStoreException(SwrStoreException.Operation.GET, SwrStoreException.Reason.TIMEOUT,
						"no answer within the command timeout", null);
			}
			return this.entries.get(key);
		}

		@Override
		public void put(String key, SwrEntry<String> entry) {
			this.entries.put(key, entry);
		}

		@Override
		public void evict(String key) {
			this.entries.remove(key);
		}

		@Override
		public boolean clear() {
			boolean any = !this.entries.isEmpty();
			this.entries.clear();
			return any;
		}

		@Override
		public String kind() {
			return "shared-map";
		}

		@Override
		public @Nullable String tryLease(String key, Duration ttl) {
			if (this.leaseFails.get()) {
				throw new SwrStoreException(SwrStoreException.Operation.LEASE, SwrStoreException.Reason.UNAVAILABLE,
						"store down", null);
			}
			Runnable before = this.onLeaseAsked;
			this.onLeaseAsked = () -> {
			};
			before.run();
			String token = UUID.randomUUID().toString();
			if (this.leases.putIfAbsent(key, token) != null) {
				this.leaseRefused.countDown();
				return null;
			}
			Runnable hook = this.onLoadOfA;
			this.onLoadOfA = () -> {
			};
			hook.run();
			return token;
		}

		@Override
		public CompletableFuture<@Nullable String> tryLeaseAsync(String key, Duration ttl) {
			CompletableFuture<@Nullable String> stalled = this.asyncLease;
			return (stalled != null) ? stalled : SharedStore.super.tryLeaseAsync(key, ttl);
		}

		@Override
		public void releaseLease(String key, String token) {
			this.leases.remove(key, token);
		}

		/** As Redis does it: written only while the lease still holds the writer's token. */
		@Override
		public synchronized boolean putFenced(String key, SwrEntry<String> entry, String lease) {
			if (!lease.equals(this.leases.get(key))) {
				return false;
			}
			this.entries.put(key, entry);
			this.fencedWrites.incrementAndGet();
			return true;
		}

		@Override
		public Duration lockWait() {
			return this.lockWait;
		}

	}

}
