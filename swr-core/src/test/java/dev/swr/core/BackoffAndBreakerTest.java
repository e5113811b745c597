package dev.swr.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Failure backoff per key (doubling, capped, reset by a success) and the Resilience4j breaker
 * (open: no refreshes, fallbacks, {@link SwrCircuitOpenException}; half-open: one trial).
 * Refreshes run by hand; the breaker is moved by its own transition methods because its clock is
 * real time.
 */
class BackoffAndBreakerTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofHours(1))
		.expired(Duration.ofHours(1))
		.expiredWait(Duration.ZERO)
		.jitter(0)
		.refreshBackoff(Duration.ofSeconds(1))
		.refreshBackoffMax(Duration.ofSeconds(4))
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	private String fail(String key) {
		this.loads.incrementAndGet();
		throw new IllegalStateException("source down");
	}

	// ---- backoff -------------------------------------------------------------------------------

	@Test
	void consecutiveFailuresPauseRefreshesForOneTwoFourThenFourSeconds() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(10));

		assertThat(attemptsRefresh(cache, this::fail)).isTrue();
		this.refreshes.runAll();
		long skips = 0;
		for (long pause : new long[] { 1_000, 2_000, 4_000, 4_000 }) {
			this.clock.advance(Duration.ofMillis(pause - 1));
			assertThat(attemptsRefresh(cache, this::fail)).as("%d ms into a %d ms pause", pause - 1, pause).isFalse();
			assertThat(cache.stats().skips(SkipReason.BACKOFF)).isEqualTo(++skips);
			this.clock.advance(Duration.ofMillis(1));
			assertThat(attemptsRefresh(cache, this::fail)).as("at the end of a %d ms pause", pause).isTrue();
			this.refreshes.runAll();
		}
		assertThat(cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.FAILURE)).isEqualTo(5);
		assertThat(cache.getWithStatus("k", this::fail)).as("a failed refresh keeps the value")
			.isEqualTo(new SwrResult<>("old", SwrStatus.STALE));
	}

	@Test
	void aSuccessfulRefreshResetsTheBackoffSoTheNextFailurePausesOneSecondAgain() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").policy(this.policy).build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(10));
		// Three failures: the pause has grown to 4s.
		for (long pause : new long[] { 0, 1_000, 2_000 }) {
			this.clock.advance(Duration.ofMillis(pause));
			assertThat(attemptsRefresh(cache, this::fail)).isTrue();
			this.refreshes.runAll();
		}
		this.clock.advance(Duration.ofSeconds(4));
		assertThat(attemptsRefresh(cache, this::load)).isTrue();
		this.refreshes.runAll();
		assertThat(cache.getEntry("k").value()).isEqualTo("k-v4");

		this.clock.advance(Duration.ofSeconds(10));
		assertThat(attemptsRefresh(cache, this::fail)).isTrue();
		this.refreshes.runAll();
		this.clock.advance(Duration.ofMillis(999));
		assertThat(attemptsRefresh(cache, this::fail)).isFalse();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(attemptsRefresh(cache, this::fail)).as("one second after the first failure since the success")
			.isTrue();
		this.refreshes.runAll();
	}

	@Test
	void anExpiredReadDuringBackoffIsAFallbackWithoutALoad() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(this.policy.toBuilder().stale(Duration.ofSeconds(10)).build())
			.build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(25));
		assertThat(cache.getWithStatus("k", this::fail)).isEqualTo(new SwrResult<>("old", SwrStatus.EXPIRED));
		this.refreshes.runAll();
		int loadsBefore = this.loads.get();
		assertThat(cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("old", SwrStatus.FALLBACK));
		assertThat(this.refreshes.pending()).isZero();
		assertThat(this.loads).hasValue(loadsBefore);
	}

	@Test
	void keyBackoffPauseDoublesFromItsBaseAndNeverPassesItsCap() {
		assertThat(KeyBackoff.pause(1, 1_000, 4_000)).isEqualTo(1_000);
		assertThat(KeyBackoff.pause(2, 1_000, 4_000)).isEqualTo(2_000);
		assertThat(KeyBackoff.pause(3, 1_000, 4_000)).isEqualTo(4_000);
		assertThat(KeyBackoff.pause(4, 1_000, 4_000)).isEqualTo(4_000);
		assertThat(KeyBackoff.pause(3, 1_000, 3_000)).as("a cap that is not a power of two").isEqualTo(3_000);
		assertThat(KeyBackoff.pause(Integer.MAX_VALUE, 1_000, 4_000)).isEqualTo(4_000);
		assertThat(KeyBackoff.pause(5, 1_000, 1_000)).as("base equal to cap").isEqualTo(1_000);
		assertThat(KeyBackoff.pause(64, Long.MAX_VALUE / 3, Long.MAX_VALUE)).as("no overflow near Long.MAX_VALUE")
			.isEqualTo(Long.MAX_VALUE);
		for (int failures = 1; failures < 100; failures++) {
			assertThat(KeyBackoff.pause(failures, 7, 60_000)).isBetween(7L, 60_000L);
		}
	}

	@Test
	void keyBackoffCountsConsecutiveFailuresFromNow() {
		KeyBackoff first = KeyBackoff.after(null, 100, Duration.ofSeconds(1), Duration.ofSeconds(4));
		assertThat(first).isEqualTo(new KeyBackoff(1, 1_100));
		KeyBackoff second = KeyBackoff.after(first, 5_000, Duration.ofSeconds(1), Duration.ofSeconds(4));
		assertThat(second).isEqualTo(new KeyBackoff(2, 7_000));
	}

	/** Reads {@code key} (stale) and tells whether that read handed a refresh to the executor. */
	private boolean attemptsRefresh(SwrCache<String, String> cache, SwrLoader<String, String> loader) {
		int before = this.refreshes.pending();
		assertThat(cache.getWithStatus("k", loader).status()).isEqualTo(SwrStatus.STALE);
		return this.refreshes.pending() > before;
	}

	// ---- circuit breaker -----------------------------------------------------------------------

	private static CircuitBreaker breaker() {
		return CircuitBreaker.of("products", CircuitBreakerConfig.custom()
			.slidingWindowSize(2)
			.minimumNumberOfCalls(2)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofHours(1))
			.permittedNumberOfCallsInHalfOpenState(1)
			.build());
	}

	@Test
	void failedLoadsOpenTheBreakerWhichThenServesStaleAndExpiredValuesWithoutLoadsAndRefusesAbsentKeys() {
		CircuitBreaker breaker = breaker();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(this.policy.toBuilder().stale(Duration.ofSeconds(20)).build())
			.circuitBreaker(breaker)
			.build();
		cache.put("expired", "expired-old");
		this.clock.advance(Duration.ofSeconds(15));
		cache.put("stale", "stale-old");
		this.clock.advance(Duration.ofSeconds(15));
		// "expired" is 30s old (past fresh + stale), "stale" 15s old.

		catchThrowable(() -> cache.get("x", this::fail));
		catchThrowable(() -> cache.get("y", this::fail));
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int loadsWhenOpened = this.loads.get();

		assertThat(cache.getWithStatus("stale", this::load)).isEqualTo(new SwrResult<>("stale-old", SwrStatus.STALE));
		assertThat(this.refreshes.pending()).as("no refresh while open").isZero();
		assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).isEqualTo(1);

		assertThat(cache.getWithStatus("expired", this::load))
			.isEqualTo(new SwrResult<>("expired-old", SwrStatus.FALLBACK));
		assertThat(this.refreshes.pending()).isZero();

		assertThatExceptionOfType(SwrCircuitOpenException.class).isThrownBy(() -> cache.get("absent", this::load))
			.satisfies((ex) -> {
				assertThat(ex.cacheName()).isEqualTo("products");
				assertThat(ex.key()).isEqualTo("absent");
				assertThat(ex.state()).isEqualTo(CircuitBreaker.State.OPEN);
			})
			.withMessageContaining("'products'");
		assertThat(this.loads).as("no load reached the source while open").hasValue(loadsWhenOpened);
		assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).isEqualTo(3);
	}

	@Test
	void aHalfOpenBreakerLetsOneTrialRefreshThroughAndItsSuccessClosesIt() {
		CircuitBreaker breaker = breaker();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(this.policy)
			.circuitBreaker(breaker)
			.build();
		cache.put("a", "a-old");
		cache.put("b", "b-old");
		this.clock.advance(Duration.ofSeconds(15));
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();

		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-old", SwrStatus.STALE));
		assertThat(this.refreshes.pending()).as("the trial").isEqualTo(1);
		assertThat(cache.getWithStatus("b", this::load)).isEqualTo(new SwrResult<>("b-old", SwrStatus.STALE));
		assertThat(this.refreshes.pending()).as("no second trial").isEqualTo(1);
		assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).isEqualTo(1);

		this.refreshes.runAll();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.HIT));
		assertThat(cache.getWithStatus("b", this::load)).isEqualTo(new SwrResult<>("b-old", SwrStatus.STALE));
		assertThat(this.refreshes.runAll()).as("closed again: refreshes run").isEqualTo(1);
		assertThat(cache.getWithStatus("b", this::load)).isEqualTo(new SwrResult<>("b-v2", SwrStatus.HIT));
	}

	@Test
	void aHalfOpenTrialThatFailsOpensTheBreakerAgain() {
		CircuitBreaker breaker = breaker();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.policy(this.policy)
			.circuitBreaker(breaker)
			.build();
		cache.put("a", "a-old");
		this.clock.advance(Duration.ofSeconds(15));
		breaker.transitionToOpenState();
		breaker.transitionToHalfOpenState();

		cache.get("a", this::fail);
		this.refreshes.runAll();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-old", SwrStatus.STALE));
	}

	@Test
	void aSkippedRefreshGivesBackItsHalfOpenPermission() {
		// The trial permission taken for a refresh that is then refused by a full pool must be
		// released, or a half-open breaker with one permitted call would refuse loads forever.
		ManualExecutor one = new ManualExecutor();
		try (SwrEngine saturated = SwrEngine.builder()
			.clock(this.clock)
			.refreshExecutor(one)
			.timeoutTimer(new ManualTimer())
			.maxConcurrentRefreshes(1)
			.refreshQueueCapacity(0)
			.shutdownTimeout(Duration.ofSeconds(5))
			.build()) {
			CircuitBreaker breaker = breaker();
			SwrCache<String, String> other = saturated.<String, String>newCache("other").policy(this.policy).build();
			SwrCache<String, String> cache = saturated.<String, String>newCache("products")
				.policy(this.policy)
				.circuitBreaker(breaker)
				.build();
			other.put("busy", "old");
			cache.put("a", "a-old");
			this.clock.advance(Duration.ofSeconds(15));
			other.get("busy", this::load);
			breaker.transitionToOpenState();
			breaker.transitionToHalfOpenState();

			assertThat(cache.getWithStatus("a", this::load).status()).isEqualTo(SwrStatus.STALE);
			assertThat(cache.stats().skips(SkipReason.SATURATED)).isEqualTo(1);
			one.runAll();

			assertThat(cache.getWithStatus("a", this::load).status()).isEqualTo(SwrStatus.STALE);
			assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).as("the permission came back").isZero();
			one.runAll();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		}
	}

}
