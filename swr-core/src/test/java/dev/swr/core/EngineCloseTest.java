package dev.swr.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * {@link SwrEngine#close(Duration)} with the engine's own threads (coarse clock, refresh pool,
 * timeout timer): running refreshes get their grace period, the rest are interrupted, and no
 * thread the engine started outlives it. Threads alive before a test (other tests' engines) are
 * left out of every check.
 */
class EngineCloseTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final Set<Thread> before = Callers.liveThreadsNamed("swr-");

	private SwrEngine engine;

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.release.countDown();
		if (this.engine != null) {
			this.engine.close(Duration.ofSeconds(5));
		}
	}

	private MemoryStore<String, String> store;

	/** A cache of the engine whose store the test holds, to plant entries in it. */
	private SwrCache<String, String> newCache() {
		this.store = new MemoryStore<>(1000, this.engine.clock());
		return this.engine.<String, String>newCache("products").store(this.store).build();
	}

	/** Writes an entry of {@code key} that is stale now on the engine's real clock. */
	private void putStale(SwrCache<String, String> cache, String key, String value) {
		long now = this.engine.clock().millis();
		this.store
			.put(key, new SwrEntry<>(value, now - 20_000, now - 10_000, now + 3_600_000, now + 7_200_000));
	}

	@Test
	void closeLeavesNoLiveThreadOfTheEngine() throws Exception {
		this.engine = SwrEngine.builder().build();
		SwrCache<String, String> cache = newCache();
		putStale(cache, "quick", "old");
		putStale(cache, "hangs", "old");
		CountDownLatch hanging = new CountDownLatch(1);
		AtomicBoolean sawInterrupt = new AtomicBoolean();

		assertThat(cache.getWithStatus("quick", (key) -> "new").status()).isEqualTo(SwrStatus.STALE);
		assertThat(cache.getWithStatus("hangs", (key) -> {
			hanging.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				sawInterrupt.set(true);
			}
			return "too late";
		}).status()).isEqualTo(SwrStatus.STALE);
		assertThat(hanging.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(PATIENCE).until(() -> "new".equals(cache.getEntry("quick").value()));

		Set<String> started = Callers.newLiveThreadsNamed("swr-", this.before)
			.stream()
			.map(Thread::getName)
			.collect(Collectors.toSet());
		assertThat(started).as("the engine's own threads exist before close")
			.anyMatch((name) -> name.equals("swr-clock"))
			.anyMatch((name) -> name.matches("swr-refresh-\\d+"))
			.anyMatch((name) -> name.matches("swr-refresh-timeout-\\d+"));

		this.engine.close(Duration.ofMillis(200));

		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(Callers.newLiveThreadsNamed("swr-", this.before)).isEmpty());
		assertThat(sawInterrupt).as("the hung refresh was interrupted").isTrue();
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.TIMEOUT)).isEqualTo(1);
		assertThat(cache.getEntry("hangs").value()).isEqualTo("old");
		assertThat(this.engine.refreshScheduler().activeCount()).isZero();
	}

	@Test
	void aRefreshInFlightAtCloseFinishesWithinTheGracePeriodAndIsWritten() throws Exception {
		this.engine = SwrEngine.builder().build();
		SwrCache<String, String> cache = newCache();
		putStale(cache, "k", "old");
		CountDownLatch loading = new CountDownLatch(1);
		AtomicBoolean sawInterrupt = new AtomicBoolean();
		cache.get("k", (key) -> {
			loading.countDown();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				sawInterrupt.set(true);
				throw ex;
			}
			return "new";
		});
		assertThat(loading.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();

		AtomicReference<Boolean> closed = new AtomicReference<>();
		Thread closer = new Thread(() -> closed.set(this.engine.close(Duration.ofSeconds(30))), "closer");
		closer.start();
		await().atMost(PATIENCE).until(() -> this.engine.refreshScheduler().isClosed());
		assertThat(closer.isAlive()).as("close waits for the running refresh").isTrue();
		this.release.countDown();
		closer.join(PATIENCE.toMillis());

		assertThat(closed.get()).as("close ended in time").isTrue();
		assertThat(sawInterrupt).isFalse();
		assertThat(cache.getEntry("k").value()).isEqualTo("new");
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isEqualTo(1);
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.TIMEOUT)).isZero();
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(Callers.newLiveThreadsNamed("swr-", this.before)).isEmpty());
	}

	@Test
	void aClosedEngineSkipsRefreshesButStillServesItsValues() {
		this.engine = SwrEngine.builder().build();
		SwrCache<String, String> cache = newCache();
		putStale(cache, "k", "old");
		this.engine.close(Duration.ofSeconds(5));

		assertThat(cache.getWithStatus("k", (key) -> "new")).isEqualTo(new SwrResult<>("old", SwrStatus.STALE));
		assertThat(cache.stats().skips(SkipReason.SATURATED)).as("a closed engine is not saturated").isZero();
		assertThat(cache.getWithStatus("absent", (key) -> "loaded")).as("misses still load on the caller")
			.isEqualTo(new SwrResult<>("loaded", SwrStatus.MISS));
	}

	@Test
	void anEngineWithBadRefreshBoundsFailsWithoutLeavingItsClockThreadRunning() {
		assertThatIllegalArgumentException().isThrownBy(() -> SwrEngine.builder().maxConcurrentRefreshes(0).build())
			.withMessageContaining("'refresh.max-concurrent'");
		assertThatIllegalArgumentException().isThrownBy(() -> SwrEngine.builder().refreshQueueCapacity(-1).build())
			.withMessageContaining("'refresh.queue-capacity'");
		await().atMost(PATIENCE)
			.untilAsserted(() -> assertThat(Callers.newLiveThreadsNamed("swr-", this.before)).isEmpty());
	}

	@Test
	void refreshesHandedToTheExecutorButNotYetStartedAreAbandonedAtCloseAndNeverLoad() {
		// An application executor with a backlog (Boot's task executor queues without bound) holds
		// refreshes that have a slot but no thread yet; close must not wait for them or let them
		// load after the engine closed.
		ManualClock clock = new ManualClock();
		ManualExecutor backlog = new ManualExecutor();
		this.engine = SwrEngine.builder().clock(clock).refreshExecutor(backlog).timeoutTimer(new ManualTimer()).build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(10)).jitter(0).build())
			.build();
		cache.put("k", "old");
		clock.advance(Duration.ofSeconds(15));
		AtomicBoolean loaded = new AtomicBoolean();
		assertThat(cache.getWithStatus("k", (key) -> {
			loaded.set(true);
			return "new";
		}).status()).isEqualTo(SwrStatus.STALE);
		assertThat(backlog.pending()).isEqualTo(1);

		assertThat(this.engine.close(Duration.ofSeconds(5))).as("close ended in time").isTrue();
		assertThat(this.engine.refreshScheduler().activeCount()).isZero();
		assertThat(cache.inspect().loadsInFlight()).as("the abandoned refresh's waiters were let go").isZero();

		backlog.runAll();
		assertThat(loaded).as("no load after close").isFalse();
		assertThat(this.engine.refreshScheduler().activeCount()).isZero();
		assertThat(cache.getEntry("k").value()).isEqualTo("old");
	}

	@Test
	void closeAbandonsQueuedRefreshesAndLetsTheirExpiredReadersGoWithTheOldValue() throws Exception {
		ManualClock clock = new ManualClock();
		ManualExecutor backlog = new ManualExecutor();
		this.engine = SwrEngine.builder()
			.clock(clock)
			.refreshExecutor(backlog)
			.timeoutTimer(new ManualTimer())
			.maxConcurrentRefreshes(1)
			.refreshQueueCapacity(1)
			.build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(SwrPolicy.builder()
				.fresh(Duration.ofSeconds(10))
				.stale(Duration.ofSeconds(10))
				.expiredWait(Duration.ofSeconds(10))
				.jitter(0)
				.build())
			.build();
		cache.put("first", "first-old");
		cache.put("queued", "queued-old");
		clock.advance(Duration.ofSeconds(25));
		Callers readers = Callers.start(2, () -> Thread.currentThread().getName().equals("caller-0")
				? cache.getWithStatus("first", (key) -> "first-new") : cache.getWithStatus("queued", (key) -> "queued-new"));
		await().atMost(PATIENCE).until(() -> readers.parkedOn("CompletableFuture") == 2);
		assertThat(this.engine.refreshScheduler().queuedCount()).isEqualTo(1);

		assertThat(this.engine.close(Duration.ofSeconds(5))).isTrue();

		assertThat(readers.join(PATIENCE)).containsExactly(
				new Callers.Returned(new SwrResult<>("first-old", SwrStatus.EXPIRED)),
				new Callers.Returned(new SwrResult<>("queued-old", SwrStatus.EXPIRED)));
		assertThat(cache.inspect().loadsInFlight()).isZero();
		assertThat(backlog.runAll()).isEqualTo(1);
		assertThat(cache.getEntry("first").value()).as("nothing loaded after close").isEqualTo("first-old");
		assertThat(cache.getEntry("queued").value()).as("nothing loaded after close").isEqualTo("queued-old");
	}

}
