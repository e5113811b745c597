package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Single-flight with real threads: N concurrent readers of one key cause one load. Each load
 * blocks until every caller has arrived (parked on the shared load, or inside the loader), so a
 * cache without single-flight would be caught running one load per caller.
 */
class SingleFlightTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	/** A caller waiting for another caller's load parks on the flight's future. */
	private static final String SHARED_LOAD = "CompletableFuture";

	/** A caller inside the loader parks on the test's latch. */
	private static final String IN_LOADER = "CountDownLatch";

	private final ManualClock clock = new ManualClock();

	// Real refresh threads of the engine's own pool; time moves only when the test says so. Misses
	// load on the first caller's thread (miss-timeout 0); BoundedMissTest covers the load pool.
	private final SwrEngine engine = SwrEngine.builder().clock(this.clock).build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
		.policy(SwrPolicy.builder()
			.fresh(Duration.ofSeconds(10))
			.stale(Duration.ofSeconds(20))
			.expired(Duration.ofSeconds(30))
			.expiredWait(Duration.ZERO)
			.missTimeout(Duration.ZERO)
			.jitter(0)
			.build())
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void close() {
		this.release.countDown();
		this.engine.close(Duration.ofSeconds(5));
	}

	private String blockingLoad(String key) throws InterruptedException {
		int load = this.loads.incrementAndGet();
		assertThat(this.release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("released").isTrue();
		return key + "-v" + load;
	}

	@Test
	void sixtyFourCallersOfAColdKeyShareOneLoad() throws Exception {
		Callers callers = Callers.start(64, () -> this.cache.getWithStatus("k", this::blockingLoad));
		// Every caller is either the one loading or parked on its load; only then may the load end.
		await().atMost(PATIENCE).until(() -> callers.parkedOnAnyOf(SHARED_LOAD, IN_LOADER) == 64);
		this.release.countDown();
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);

		assertThat(this.loads).hasValue(1);
		assertThat(outcomes).hasSize(64)
			.allMatch(Callers.returned(new SwrResult<>("k-v1", SwrStatus.MISS)));
		assertThat(this.cache.stats().gets(SwrStatus.MISS)).isEqualTo(64);
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(1);
		assertThat(this.cache.inspect().loadsInFlight()).isZero();
		assertThat(this.cache.getWithStatus("k", this::blockingLoad)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.HIT));
	}

	@Test
	void sixtyFourReadersOfAStaleKeyStartOneRefreshAndAreAllServedTheStaleValue() throws Exception {
		this.cache.put("k", "k-v0");
		this.clock.advance(Duration.ofSeconds(15));

		Callers callers = Callers.start(64, () -> this.cache.getWithStatus("k", this::blockingLoad));
		// Stale readers never wait: all of them return while the one refresh is still blocked.
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);
		await().atMost(PATIENCE).until(() -> this.loads.get() >= 1);

		assertThat(outcomes).hasSize(64)
			.allMatch(Callers.returned(new SwrResult<>("k-v0", SwrStatus.STALE)));
		assertThat(this.loads).hasValue(1);
		assertThat(this.cache.inspect().loadsInFlight()).isEqualTo(1);
		assertThat(this.cache.stats().gets(SwrStatus.STALE)).isEqualTo(64);
		assertThat(this.cache.stats().skips(SkipReason.IN_FLIGHT)).isEqualTo(63);

		this.release.countDown();
		await().atMost(PATIENCE).until(() -> this.cache.inspect().loadsInFlight() == 0);
		assertThat(this.loads).hasValue(1);
		assertThat(this.cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isEqualTo(1);
		assertThat(this.cache.getWithStatus("k", this::blockingLoad)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.HIT));
	}

	@Test
	void aFailedSharedLoadThrowsTheSameExceptionInstanceToEveryWaitingCaller() throws Exception {
		IllegalStateException failure = new IllegalStateException("source down");
		Callers callers = Callers.start(16, () -> this.cache.get("k", (key) -> {
			blockingLoad(key);
			throw failure;
		}));
		await().atMost(PATIENCE).until(() -> callers.parkedOnAnyOf(SHARED_LOAD, IN_LOADER) == 16);
		this.release.countDown();
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);

		assertThat(this.loads).hasValue(1);
		assertThat(outcomes).hasSize(16)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(Callers.Threw.class,
					(threw) -> assertThat(threw.exception()).isSameAs(failure)));
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.FAILURE)).isEqualTo(1);
		assertThat(this.cache.getEntry("k")).isNull();
	}

	@Test
	void anInterruptedWaiterGetsACancellationWithItsInterruptRestoredWhileTheSharedLoadGoesOn() throws Exception {
		Callers loader = Callers.start(1, () -> this.cache.get("k", this::blockingLoad));
		await().atMost(PATIENCE).until(() -> loader.parkedOn(IN_LOADER) == 1);

		AtomicReference<Boolean> interruptedAfterwards = new AtomicReference<>();
		Callers waiter = Callers.start(1, () -> {
			try {
				return this.cache.get("k", this::blockingLoad);
			}
			finally {
				interruptedAfterwards.set(Thread.currentThread().isInterrupted());
			}
		});
		await().atMost(PATIENCE).until(() -> waiter.parkedOn(SHARED_LOAD) == 1);
		waiter.threads().get(0).interrupt();
		List<Callers.Outcome> waited = waiter.join(PATIENCE);

		assertThat(waited.get(0)).isInstanceOfSatisfying(Callers.Threw.class,
				(threw) -> assertThat(threw.exception()).isInstanceOf(CancellationException.class)
					.hasMessageContaining("'k'")
					.hasCauseInstanceOf(InterruptedException.class));
		assertThat(interruptedAfterwards.get()).as("interrupt flag restored").isTrue();
		assertThat(this.cache.inspect().loadsInFlight()).as("the shared load goes on").isEqualTo(1);

		this.release.countDown();
		assertThat(loader.join(PATIENCE)).allMatch(Callers.returned("k-v1"));
		assertThat(this.cache.getWithStatus("k", this::blockingLoad)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.HIT));
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void sixtyFourReadersOfAnExpiredKeyWaitForOneRefreshAndAllGetItsValue() throws Exception {
		SwrCache<String, String> waiting = this.engine.<String, String>newCache("waiting")
			.policy(this.cache.policy().toBuilder().expiredWait(Duration.ofSeconds(10)).build())
			.build();
		waiting.put("k", "k-v0");
		this.clock.advance(Duration.ofSeconds(35));

		Callers callers = Callers.start(64, () -> waiting.getWithStatus("k", this::blockingLoad));
		// The refresh runs on a pool thread; every reader waits (with its expired-wait) on it.
		await().atMost(PATIENCE).until(() -> this.loads.get() >= 1 && callers.parkedOn(SHARED_LOAD) == 64);
		this.release.countDown();
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);

		assertThat(this.loads).hasValue(1);
		assertThat(outcomes).hasSize(64).allMatch(Callers.returned(new SwrResult<>("k-v1", SwrStatus.MISS)));
		assertThat(waiting.stats().loads(LoadTrigger.EXPIRED, LoadOutcome.SUCCESS)).isEqualTo(1);
		assertThat(waiting.stats().skips(SkipReason.IN_FLIGHT)).isEqualTo(63);
		assertThat(waiting.stats().gets(SwrStatus.MISS)).isEqualTo(64);
	}

	@Test
	void anInterruptedExpiredReaderGetsTheOldValueWithItsInterruptRestoredWhileTheRefreshGoesOn() throws Exception {
		SwrCache<String, String> waiting = this.engine.<String, String>newCache("waiting")
			.policy(this.cache.policy().toBuilder().expiredWait(Duration.ofSeconds(10)).build())
			.build();
		waiting.put("k", "k-v0");
		this.clock.advance(Duration.ofSeconds(35));
		AtomicReference<Boolean> interruptedAfterwards = new AtomicReference<>();
		Callers reader = Callers.start(1, () -> {
			try {
				return waiting.getWithStatus("k", this::blockingLoad);
			}
			finally {
				interruptedAfterwards.set(Thread.currentThread().isInterrupted());
			}
		});
		await().atMost(PATIENCE).until(() -> this.loads.get() == 1 && reader.parkedOn(SHARED_LOAD) == 1);
		reader.threads().get(0).interrupt();

		assertThat(reader.join(PATIENCE)).allMatch(Callers.returned(new SwrResult<>("k-v0", SwrStatus.EXPIRED)));
		assertThat(interruptedAfterwards.get()).as("interrupt flag restored").isTrue();
		assertThat(waiting.inspect().loadsInFlight()).as("the refresh goes on").isEqualTo(1);
		this.release.countDown();
		await().atMost(PATIENCE).until(() -> waiting.inspect().loadsInFlight() == 0);
		assertThat(waiting.getWithStatus("k", this::blockingLoad)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.HIT));
	}

}
