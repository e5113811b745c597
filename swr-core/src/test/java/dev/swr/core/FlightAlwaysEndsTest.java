package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Whatever throws between a load and its waiters' answer, the flight ends: every waiter is
 * answered, the flight is removed, and the next call of the key loads again. Every wait in these
 * tests is bounded, so a key left stuck fails the test instead of hanging it.
 * <p>
 * On the code before the split (49bfd18), a throwing {@code storeIf} threw inside the write,
 * before the flight was completed and removed: the second call of the key blocked for ever, and
 * an async loader future that never completed left every later caller's future pending.
 */
class FlightAlwaysEndsTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private static final Predicate<Object> THROWING_UNLESS = (value) -> {
		throw new IllegalStateException("unless = \"#result.x\" on a null result");
	};

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final ManualTimer timer = new ManualTimer();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(this.timer)
		.build();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofSeconds(20))
		.expired(Duration.ofSeconds(30))
		.expiredWait(Duration.ZERO)
		.jitter(0)
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
		.policy(this.policy)
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	/** Runs {@code call} on another thread and waits a bounded time: a stuck key fails, not hangs. */
	private static <T> T bounded(java.util.concurrent.Callable<T> call) throws Exception {
		try {
			return CompletableFuture.supplyAsync(() -> {
				try {
					return call.call();
				}
				catch (Exception ex) {
					throw new java.util.concurrent.CompletionException(ex);
				}
			}).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

	@Test
	void aThrowingUnlessOnAMissReachesTheCallerAndTheNextCallLoadsAgain() throws Exception {
		assertThatIllegalStateException()
			.isThrownBy(() -> bounded(() -> this.cache.getWithStatus("k", this::load, THROWING_UNLESS)))
			.withMessageContaining("unless");
		assertThat(this.cache.inspect().loadsInFlight()).as("flights left").isZero();

		assertThat(bounded(() -> this.cache.getWithStatus("k", this::load)))
			.isEqualTo(new SwrResult<>("k-v2", SwrStatus.MISS));
		assertThat(this.loads).hasValue(2);
	}

	@Test
	void everyWaiterOfAFlightWhoseUnlessThrowsGetsTheExceptionAndNoneIsLeftWaiting() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Callers callers = Callers.start(16, () -> this.cache.getWithStatus("k", (key) -> {
			release.await();
			return load(key);
		}, THROWING_UNLESS));
		await().atMost(PATIENCE).until(() -> callers.parkedOnAnyOf("CompletableFuture") == 16);
		release.countDown();
		List<Callers.Outcome> outcomes = callers.join(PATIENCE);

		assertThat(this.loads).hasValue(1);
		assertThat(outcomes).hasSize(16)
			.allSatisfy((outcome) -> assertThat(outcome).isInstanceOfSatisfying(Callers.Threw.class,
					(threw) -> assertThat(threw.exception()).isInstanceOf(IllegalStateException.class)));
		assertThat(this.cache.inspect().loadsInFlight()).isZero();
	}

	@Test
	void aThrowingUnlessOnARefreshEndsItsFlightSoTheKeyIsRefreshedAgain() {
		this.cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(15));
		assertThat(this.cache.getWithStatus("k", this::load, THROWING_UNLESS).status()).isEqualTo(SwrStatus.STALE);
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(this.cache.inspect().loadsInFlight()).as("flights left").isZero();

		assertThat(this.cache.getWithStatus("k", this::load).status()).isEqualTo(SwrStatus.STALE);
		assertThat(this.refreshes.runAll()).as("a new refresh ran").isEqualTo(1);
		assertThat(this.cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("k-v2", SwrStatus.HIT));
	}

	@Test
	void aThrowingUnlessOnAnAsyncMissFailsTheFutureAndTheNextCallLoadsAgain() throws Exception {
		CompletableFuture<SwrResult<String>> first = this.cache.getAsync("k",
				(key) -> CompletableFuture.completedFuture(load(key)), THROWING_UNLESS);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		assertThat(this.cache.inspect().loadsInFlight()).isZero();

		SwrResult<String> second = this.cache.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key)))
			.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		assertThat(second).isEqualTo(new SwrResult<>("k-v2", SwrStatus.MISS));
	}

	@Test
	void aStoreThatThrowsAnErrorOnWriteEndsTheFlightWithIt() throws Exception {
		SwrCache<String, String> broken = this.engine.<String, String>newCache("broken")
			.policy(this.policy)
			.store(new ErrorOnPut(this.clock))
			.build();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> bounded(() -> broken.get("k", this::load)))
			.withMessage("store bug");
		assertThat(broken.inspect().loadsInFlight()).isZero();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> bounded(() -> broken.get("k", this::load)));
		assertThat(this.loads).as("each call loaded: nothing stuck").hasValue(2);
	}

	@Test
	void anAsyncLoaderWhoseFutureNeverCompletesIsBoundedByMissTimeoutThenGivenUpAtRefreshTimeout() throws Exception {
		CompletableFuture<String> never = new CompletableFuture<>();
		AtomicInteger started = new AtomicInteger();
		CompletableFuture<SwrResult<String>> first = this.cache.getAsync("k", (key) -> {
			started.incrementAndGet();
			return never;
		});
		CompletableFuture<SwrResult<String>> joined = this.cache.getAsync("k", (key) -> {
			started.incrementAndGet();
			return never;
		});
		// The loader is called on the load pool.
		await().atMost(PATIENCE).until(() -> started.get() == 1);
		assertThat(first).isNotDone();
		assertThat(joined).isNotDone();

		// The miss-timeout waits and the refresh-timeout of the load; the load lands on the load pool.
		assertThat(this.timer.fireAll()).isEqualTo(3);
		await().atMost(PATIENCE).until(() -> first.isDone() && joined.isDone()
				&& this.cache.inspect().loadsInFlight() == 0 && this.cache.inspect().missesInFlight() == 0);

		assertThat(first).isCompletedExceptionally();
		assertThat(joined).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(first::get)
			.withCauseInstanceOf(SwrLoadTimeoutException.class)
			.withMessageContaining("'k'")
			.withMessageContaining("'products'");
		assertThat(this.cache.inspect().loadsInFlight()).as("flights left").isZero();
		assertThat(this.cache.inspect().missesInFlight()).as("permits left").isZero();
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.TIMEOUT)).isEqualTo(1);
		assertThat(this.cache.stats().missesTimedOut()).isEqualTo(2);
		assertThat(started).as("one load for both").hasValue(1);

		SwrResult<String> next = this.cache.getAsync("k", (key) -> CompletableFuture.completedFuture(load(key)))
			.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		assertThat(next).isEqualTo(new SwrResult<>("k-v1", SwrStatus.MISS));
		never.complete("too late");
		assertThat(this.cache.getEntry("k").value()).as("a late value is not written").isEqualTo("k-v1");
	}

	/** A store whose writes fail with an {@link Error}: not a store failure the engine may swallow. */
	private static final class ErrorOnPut extends ForwardingStore {

		ErrorOnPut(ManualClock clock) {
			super("error-on-put", clock);
		}

		@Override
		public void put(String key, SwrEntry<String> entry) {
			throw new AssertionError("store bug");
		}

	}

}
