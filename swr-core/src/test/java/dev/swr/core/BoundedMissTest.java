package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cold loads are bounded: a slow source holds at most {@code max-concurrent-misses} threads, a
 * caller waits at most {@code miss-timeout}, and loads that ignore their interrupt keep their
 * permit (counted as stuck) instead of letting new threads start. Counts, not sleeps: threads,
 * permits, flights and outcomes. On the code before v2 every one of these callers was held for as
 * long as the source took, on its own thread.
 */
class BoundedMissTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ManualClock clock = new ManualClock();

	private final ManualTimer timer = new ManualTimer();

	private final Set<Thread> before = Callers.liveThreadsNamed("swr-load-");

	private final SwrEngine engine = SwrEngine.builder().clock(this.clock).timeoutTimer(this.timer).build();

	private final CountDownLatch release = new CountDownLatch(1);

	private final AtomicInteger started = new AtomicInteger();

	@AfterEach
	void close() {
		this.release.countDown();
		this.engine.close(Duration.ofSeconds(5));
	}

	private SwrCache<String, String> cache(int maxConcurrentMisses, Duration missTimeout) {
		return this.engine.<String, String>newCache("products")
			.policy(SwrPolicy.builder().maxConcurrentMisses(maxConcurrentMisses).missTimeout(missTimeout).jitter(0).build())
			.build();
	}

	/** A source that answers only once the test releases it. */
	private String slowLoad(String key) throws InterruptedException {
		this.started.incrementAndGet();
		this.release.await();
		return key + "-loaded";
	}

	/** A source that answers only once released and ignores interrupts meanwhile. */
	private String deafLoad(String key) {
		this.started.incrementAndGet();
		while (this.release.getCount() > 0) {
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				// Ignored on purpose.
			}
		}
		return key + "-late";
	}

	@Test
	void callersOfDistinctColdKeysBeyondMaxConcurrentMissesAreRejectedAtOnce() throws Exception {
		SwrCache<String, String> cache = cache(4, Duration.ofSeconds(9));
		AtomicInteger keys = new AtomicInteger();
		Callers callers = Callers.start(50, () -> cache.get("id-" + keys.incrementAndGet(), this::slowLoad));

		// 46 are refused while the 4 admitted loads still hang: refused at once, not after the source.
		await().atMost(PATIENCE).until(() -> cache.stats().missesRejected() == 46);
		assertThat(this.started).as("loads that reached the source").hasValue(4);
		assertThat(cache.inspect().missesInFlight()).isEqualTo(4);
		assertThat(Callers.newLiveThreadsNamed("swr-load-", this.before)).as("load threads").hasSize(4);

		this.release.countDown();
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);
		assertThat(outcomes).filteredOn(Callers.Returned.class::isInstance).hasSize(4);
		assertThat(outcomes).filteredOn(Callers.Threw.class::isInstance)
			.hasSize(46)
			.allSatisfy((outcome) -> assertThat(((Callers.Threw) outcome).exception())
				.isInstanceOfSatisfying(SwrLoadRejectedException.class, (rejected) -> {
					assertThat(rejected.cacheName()).isEqualTo("products");
					assertThat(rejected.maxConcurrentMisses()).isEqualTo(4);
					assertThat(rejected).hasMessageContaining("max-concurrent-misses");
				}));
		assertThat(cache.inspect().missesInFlight()).isZero();
		assertThat(cache.stats().gets(SwrStatus.MISS)).as("a refused read is a miss").isEqualTo(50);
	}

	@Test
	void aCallerWaitsAtMostMissTimeoutAndTheLoadGoesOnAndIsStored() throws Exception {
		SwrCache<String, String> cache = cache(4, Duration.ofMillis(200));
		Callers callers = Callers.start(8, () -> cache.get("k", this::slowLoad));
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);

		assertThat(outcomes).hasSize(8)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(Callers.Threw.class,
					(threw) -> assertThat(threw.exception()).isInstanceOfSatisfying(SwrLoadTimeoutException.class,
							(timeout) -> {
								assertThat(timeout.timeout()).isEqualTo(Duration.ofMillis(200));
								assertThat(timeout).hasMessageContaining("'k'").hasMessageContaining("'products'");
							})));
		assertThat(this.started).as("one load for all eight").hasValue(1);
		assertThat(cache.inspect().loadsInFlight()).as("the load goes on").isEqualTo(1);
		assertThat(cache.stats().missesTimedOut()).isEqualTo(8);

		this.release.countDown();
		await().atMost(PATIENCE).until(() -> cache.getEntry("k") != null);
		assertThat(cache.getWithStatus("k", this::slowLoad)).isEqualTo(new SwrResult<>("k-loaded", SwrStatus.HIT));
		assertThat(cache.stats().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void coldLoadsThatIgnoreTheirInterruptKeepTheirPermitsSoLoadThreadsStayBounded() throws Exception {
		SwrCache<String, String> cache = cache(2, Duration.ofMillis(50));
		for (int round = 0; round < 3; round++) {
			for (int i = 0; i < 3; i++) {
				String key = "r" + round + "-" + i;
				assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> cache.get(key, this::deafLoad))
					.isInstanceOfAny(SwrLoadTimeoutException.class, SwrLoadRejectedException.class);
			}
			// refresh-timeout passes: the hung loads are interrupted, ignore it, and stay stuck.
			this.timer.fireAll();
		}
		RefreshScheduler scheduler = this.engine.refreshScheduler();
		assertThat(this.started).as("only two loads ever got a thread").hasValue(2);
		assertThat(scheduler.stuckCount()).isEqualTo(2);
		assertThat(cache.inspect().missesInFlight()).as("permits held by the stuck loads").isEqualTo(2);
		assertThat(cache.inspect().loadsInFlight()).as("their flights ended at refresh-timeout").isZero();
		assertThat(cache.stats().loads(LoadTrigger.MISS, LoadOutcome.TIMEOUT)).isEqualTo(2);
		assertThat(Callers.newLiveThreadsNamed("swr-load-", this.before)).hasSize(2);

		this.release.countDown();
		await().atMost(PATIENCE).until(() -> scheduler.stuckCount() == 0 && cache.inspect().missesInFlight() == 0);
		assertThat(cache.getEntry("r0-0")).as("a late value is not written").isNull();
		assertThat(cache.get("after", (key) -> key + "-v1")).isEqualTo("after-v1");
	}

	@Test
	void withMissTimeoutZeroTheLoadRunsOnTheCallersThreadAndIsStillBoundedInNumber() throws Exception {
		SwrCache<String, String> cache = cache(2, Duration.ZERO);
		AtomicInteger keys = new AtomicInteger();
		Callers callers = Callers.start(6, () -> cache.get("id-" + keys.incrementAndGet(), this::slowLoad));
		await().atMost(PATIENCE).until(() -> cache.stats().missesRejected() == 4);
		assertThat(callers.parkedOn("CountDownLatch")).as("two callers load on their own threads").isEqualTo(2);
		this.release.countDown();
		assertThat(callers.join(PATIENCE)).filteredOn(Callers.Returned.class::isInstance).hasSize(2);
		assertThat(Callers.newLiveThreadsNamed("swr-load-", this.before)).isEmpty();
	}

	@Test
	void aJoinedLoadThatFailsStillReachesEveryWaiterAsTheLoadersException() throws Exception {
		SwrCache<String, String> cache = cache(4, Duration.ofSeconds(9));
		IllegalStateException failure = new IllegalStateException("source down");
		Callers callers = Callers.start(16, () -> cache.get("k", (key) -> {
			slowLoad(key);
			throw failure;
		}));
		await().atMost(PATIENCE).until(() -> this.started.get() == 1 && callers.parkedOn("CompletableFuture") == 16);
		this.release.countDown();
		assertThat(callers.join(PATIENCE)).hasSize(16)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(Callers.Threw.class,
					(threw) -> assertThat(threw.exception()).isSameAs(failure)));
		assertThat(cache.inspect().missesInFlight()).isZero();
		assertThat(this.release.await(0, TimeUnit.SECONDS)).isTrue();
	}

}
