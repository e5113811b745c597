package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads reading a few keys while the clock jumps through every window, with a flaky
 * source and a small refresh pool: misses, stale refreshes, expired refreshes, backoff and
 * saturation all race. Whatever the interleaving, no two loads of one key may ever overlap, no
 * exception other than the source's own may reach a caller, and everything settles afterwards.
 */
class SingleFlightStressTest {

	private static final int KEYS = 8;

	private static final int THREADS = 16;

	private static final int READS_PER_THREAD = 2_000;

	private final ManualClock clock = new ManualClock();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.maxConcurrentRefreshes(4)
		.refreshQueueCapacity(4)
		.build();

	private final SwrCache<Integer, String> cache = this.engine.<Integer, String>newCache("stress")
		.policy(SwrPolicy.builder()
			.fresh(Duration.ofSeconds(1))
			.stale(Duration.ofSeconds(2))
			.expired(Duration.ofSeconds(3))
			.expiredWait(Duration.ZERO)
			.refreshBackoff(Duration.ofMillis(200))
			.refreshBackoffMax(Duration.ofSeconds(1))
			.jitter(0.2)
			.build())
		.build();

	private final AtomicReferenceArray<AtomicInteger> loading = new AtomicReferenceArray<>(KEYS);

	private final AtomicInteger overlaps = new AtomicInteger();

	private final AtomicLong loads = new AtomicLong();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	private String flakyLoad(Integer key) {
		AtomicInteger inLoad = this.loading.get(key);
		if (inLoad.incrementAndGet() != 1) {
			this.overlaps.incrementAndGet();
		}
		try {
			long load = this.loads.incrementAndGet();
			// Widen the window in which a second load of the key could start.
			for (int i = 0; i < 20; i++) {
				Thread.yield();
			}
			if (ThreadLocalRandom.current().nextInt(10) == 0) {
				throw new FlakySource();
			}
			return key + "-v" + load;
		}
		finally {
			inLoad.decrementAndGet();
		}
	}

	@Test
	void racingReadersNeverRunTwoLoadsOfOneKeyAtOnceAndOnlySourceErrorsReachThem() throws Exception {
		for (int key = 0; key < KEYS; key++) {
			this.loading.set(key, new AtomicInteger());
		}
		Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
		AtomicLong answered = new AtomicLong();
		AtomicLong sourceErrors = new AtomicLong();
		Callers readers = Callers.start(THREADS, () -> {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < READS_PER_THREAD; i++) {
				if (random.nextInt(64) == 0) {
					this.clock.advance(Duration.ofMillis(random.nextInt(1_500)));
				}
				try {
					SwrResult<String> result = this.cache.getWithStatus(random.nextInt(KEYS), this::flakyLoad);
					assertThat(result.status()).isNotNull();
					answered.incrementAndGet();
				}
				catch (FlakySource ex) {
					sourceErrors.incrementAndGet();
				}
				catch (Throwable ex) {
					unexpected.add(ex);
				}
			}
			return null;
		});
		List<Callers.Outcome> outcomes = readers.join(Duration.ofSeconds(60));
		assertThat(outcomes).allMatch(Callers.returned(null));

		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.cache.inspect().loadsInFlight() == 0 && this.engine.refreshScheduler().activeCount() == 0);
		assertThat(unexpected).isEmpty();
		assertThat(this.overlaps).as("overlapping loads of one key").hasValue(0);
		assertThat(this.loads.get()).as("the clock moved enough to load").isGreaterThan(KEYS);
		assertThat(answered.get() + sourceErrors.get()).isEqualTo((long) THREADS * READS_PER_THREAD);
		SwrStatsSnapshot stats = this.cache.stats().snapshot();
		// A read whose miss failed is still counted, as a miss.
		assertThat(stats.gets().values().stream().mapToLong(Long::longValue).sum()).as("every read counted once")
			.isEqualTo(answered.get() + sourceErrors.get());
		assertThat(this.engine.refreshScheduler().queuedCount()).isZero();
	}

	/** The source's own failure, the only exception a reader may see. */
	private static final class FlakySource extends RuntimeException {

		private static final long serialVersionUID = 1L;

		FlakySource() {
			super("flaky source", null, false, false);
		}

	}

}
