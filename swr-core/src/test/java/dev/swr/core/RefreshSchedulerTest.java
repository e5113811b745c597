package dev.swr.core;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The refresh scheduler seen through a cache: bounded slots and queue (a full pool skips the
 * refresh and still serves the value), and the hard refresh timeout (the load is interrupted, its
 * slot released, its late result discarded).
 */
class RefreshSchedulerTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ManualClock clock = new ManualClock();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofSeconds(20))
		.expired(Duration.ofSeconds(30))
		.expiredWait(Duration.ZERO)
		.jitter(0)
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	private SwrEngine engine;

	private ExecutorService pool;

	@AfterEach
	void close() {
		if (this.engine != null) {
			this.engine.close(Duration.ofSeconds(5));
		}
		if (this.pool != null) {
			this.pool.shutdownNow();
		}
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	@Test
	void withOneSlotAndAQueueOfOneTheThirdStaleKeyIsSkippedAsSaturatedAndStillServed() {
		ManualExecutor refreshes = new ManualExecutor();
		this.engine = SwrEngine.builder()
			.clock(this.clock)
			.refreshExecutor(refreshes)
			.timeoutTimer(new ManualTimer())
			.maxConcurrentRefreshes(1)
			.refreshQueueCapacity(1)
			.build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		cache.put("a", "a-old");
		cache.put("b", "b-old");
		cache.put("c", "c-old");
		this.clock.advance(Duration.ofSeconds(15));

		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-old", SwrStatus.STALE));
		assertThat(cache.getWithStatus("b", this::load)).isEqualTo(new SwrResult<>("b-old", SwrStatus.STALE));
		assertThat(cache.getWithStatus("c", this::load)).isEqualTo(new SwrResult<>("c-old", SwrStatus.STALE));

		RefreshScheduler scheduler = this.engine.refreshScheduler();
		assertThat(scheduler.activeCount()).as("running").isEqualTo(1);
		assertThat(scheduler.queuedCount()).as("queued").isEqualTo(1);
		assertThat(refreshes.pending()).as("handed to the executor").isEqualTo(1);
		assertThat(cache.stats().skips(SkipReason.SATURATED)).isEqualTo(1);
		assertThat(cache.inspect().loadsInFlight()).isEqualTo(2);

		assertThat(refreshes.runAll()).as("the running one, then the queued one").isEqualTo(2);
		assertThat(scheduler.activeCount()).isZero();
		assertThat(scheduler.queuedCount()).isZero();
		assertThat(cache.getWithStatus("a", this::load).status()).isEqualTo(SwrStatus.HIT);
		assertThat(cache.getWithStatus("b", this::load).status()).isEqualTo(SwrStatus.HIT);
		assertThat(cache.getEntry("c").value()).as("the skipped key keeps its value").isEqualTo("c-old");
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isEqualTo(2);

		// With room again, the skipped key's next stale read refreshes it.
		assertThat(cache.getWithStatus("c", this::load)).isEqualTo(new SwrResult<>("c-old", SwrStatus.STALE));
		assertThat(refreshes.runAll()).isEqualTo(1);
		assertThat(cache.getWithStatus("c", this::load)).isEqualTo(new SwrResult<>("c-v3", SwrStatus.HIT));
	}

	@Test
	void aRefreshPastItsTimeoutIsInterruptedKeepsItsSlotUntilItReturnsAndItsLateResultIsNotWritten() throws Exception {
		ManualTimer timeouts = new ManualTimer();
		this.pool = Executors.newSingleThreadExecutor();
		this.engine = SwrEngine.builder().clock(this.clock).refreshExecutor(this.pool).timeoutTimer(timeouts).build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(15));

		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch sawInterrupt = new CountDownLatch(1);
		CountDownLatch lateRelease = new CountDownLatch(1);
		SwrLoader<String, String> hanging = (key) -> {
			started.countDown();
			try {
				never.await();
			}
			catch (InterruptedException ex) {
				sawInterrupt.countDown();
			}
			// Ignores the interrupt and answers late.
			lateRelease.await();
			return "late";
		};

		assertThat(cache.getWithStatus("k", hanging)).isEqualTo(new SwrResult<>("old", SwrStatus.STALE));
		assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(this.engine.refreshScheduler().activeCount()).isEqualTo(1);

		assertThat(timeouts.fireAll()).isEqualTo(1);

		assertThat(sawInterrupt.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("loader interrupted").isTrue();
		assertThat(this.engine.refreshScheduler().activeCount()).as("slot held by the running thread").isEqualTo(1);
		assertThat(this.engine.refreshScheduler().stuckCount()).isEqualTo(1);
		assertThat(cache.inspect().loadsInFlight()).as("its flight ended").isZero();
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.TIMEOUT)).isEqualTo(1);
		assertThat(cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("old", SwrStatus.STALE));

		lateRelease.countDown();
		// The single pool thread runs this only after the late load has returned.
		boolean poolThreadInterrupted = this.pool.submit(() -> Thread.currentThread().isInterrupted()).get(10, TimeUnit.SECONDS);
		assertThat(poolThreadInterrupted).as("interrupt does not leak to the next task").isFalse();
		assertThat(cache.getEntry("k").value()).as("late result discarded").isEqualTo("old");
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isZero();
		assertThat(this.engine.refreshScheduler().activeCount()).isZero();
		assertThat(this.engine.refreshScheduler().stuckCount()).isZero();
	}

	/**
	 * A loader that ignores interrupts keeps its thread past its timeout. Before v2 the slot was
	 * released anyway and the next refresh got a new thread: with a hanging source the pool grew
	 * by max-concurrent threads every refresh-timeout. Now the slot stays taken, the thread counts
	 * as stuck, and the threads never exceed max-concurrent.
	 */
	@Test
	void aTimedOutLoadThatIgnoresItsInterruptKeepsItsSlotSoRefreshThreadsStayBounded() throws Exception {
		ManualTimer timeouts = new ManualTimer();
		this.engine = SwrEngine.builder()
			.clock(this.clock)
			.timeoutTimer(timeouts)
			.maxConcurrentRefreshes(2)
			.refreshQueueCapacity(0)
			.build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		Set<Thread> before = Callers.liveThreadsNamed("swr-refresh-");
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger started = new AtomicInteger();
		SwrLoader<String, String> deaf = (key) -> {
			started.incrementAndGet();
			while (release.getCount() > 0) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					// Ignored on purpose: a source that does not answer to interrupts.
				}
			}
			return "late";
		};
		try {
			for (int round = 0; round < 5; round++) {
				for (int i = 0; i < 4; i++) {
					String key = "k" + round + "-" + i;
					cache.put(key, "old");
				}
				this.clock.advance(Duration.ofSeconds(15));
				for (int i = 0; i < 4; i++) {
					assertThat(cache.getWithStatus("k" + round + "-" + i, deaf).status()).isEqualTo(SwrStatus.STALE);
				}
				int expectedStarts = 2;
				await().atMost(PATIENCE).until(() -> started.get() == expectedStarts);
				timeouts.fireAll();
			}
			RefreshScheduler scheduler = this.engine.refreshScheduler();
			assertThat(started).as("only the first two ever got a thread").hasValue(2);
			assertThat(scheduler.stuckCount()).isEqualTo(2);
			assertThat(scheduler.activeCount()).isEqualTo(2);
			assertThat(Callers.newLiveThreadsNamed("swr-refresh-", before)).as("refresh threads").hasSize(2);
			assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.TIMEOUT)).isEqualTo(2);
			assertThat(cache.stats().skips(SkipReason.SATURATED)).isEqualTo(18);

			release.countDown();
			await().atMost(PATIENCE).until(() -> scheduler.stuckCount() == 0 && scheduler.activeCount() == 0);
			cache.put("after", "old");
			this.clock.advance(Duration.ofSeconds(15));
			cache.get("after", this::load);
			await().atMost(PATIENCE).until(() -> "after-v1".equals(cache.getEntry("after").value()));
		}
		finally {
			release.countDown();
		}
	}

	@Test
	void aMissThatJoinedARefreshWhichTimesOutLoadsOnItsOwn() throws Exception {
		ManualTimer timeouts = new ManualTimer();
		this.pool = Executors.newSingleThreadExecutor();
		this.engine = SwrEngine.builder().clock(this.clock).refreshExecutor(this.pool).timeoutTimer(timeouts).build();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(15));
		CountDownLatch started = new CountDownLatch(1);
		cache.get("k", (key) -> {
			started.countDown();
			new CountDownLatch(1).await();
			return "never";
		});
		assertThat(started.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// The entry expires away while its refresh hangs: a reader now misses and joins that refresh.
		this.clock.advance(Duration.ofSeconds(60));
		Callers reader = Callers.start(1, () -> cache.getWithStatus("k", this::load));
		await().atMost(PATIENCE).until(() -> reader.parkedOn("CompletableFuture") == 1);

		timeouts.fireAll();

		assertThat(reader.join(PATIENCE)).allMatch(Callers.returned(new SwrResult<>("k-v1", SwrStatus.MISS)));
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.TIMEOUT)).isEqualTo(1);
		assertThat(cache.stats().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(1);
		assertThat(cache.getEntry("k").value()).isEqualTo("k-v1");
	}

	/**
	 * A refresh offered to the queue just after close() drained it was never run nor abandoned
	 * before v2, leaving its readers' flight open. Many rounds of submitters racing one close:
	 * every refresh the scheduler accepted has ended once close returned and the backlog ran.
	 */
	@Test
	void everyRefreshSubmittedWhileCloseRunsIsRunOrAbandoned() throws Exception {
		for (int round = 0; round < 200; round++) {
			ManualExecutor never = new ManualExecutor();
			RefreshScheduler scheduler = new RefreshScheduler(1, 10_000, never, new ManualTimer());
			java.util.List<TimedLoad<String>> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
			CountDownLatch go = new CountDownLatch(1);
			java.util.List<Thread> threads = new java.util.ArrayList<>();
			for (int t = 0; t < 3; t++) {
				threads.add(new Thread(() -> {
					awaitQuietly(go);
					for (int i = 0; i < 100; i++) {
						TimedLoad<String> task = new TimedLoad<>(() -> "v", TimeUnit.SECONDS.toNanos(1), () -> {
						});
						if (scheduler.submit(task)) {
							accepted.add(task);
						}
						else {
							task.abandon();
						}
					}
				}));
			}
			threads.add(new Thread(() -> {
				awaitQuietly(go);
				scheduler.close(Duration.ZERO);
			}));
			threads.forEach(Thread::start);
			go.countDown();
			for (Thread thread : threads) {
				thread.join(PATIENCE.toMillis());
			}
			never.runAll();
			assertThat(accepted).as("round " + round).allMatch((task) -> task.result.isDone());
			assertThat(scheduler.activeCount()).isZero();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
