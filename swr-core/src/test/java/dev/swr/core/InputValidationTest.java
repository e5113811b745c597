package dev.swr.core;

import java.time.Duration;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Bad arguments and settings fail at once with an {@link IllegalArgumentException} naming them. */
class InputValidationTest {

	private final ManualClock clock = new ManualClock();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(new ManualExecutor())
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("products").build();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	@Test
	void aNullKeyIsRejectedByNameByEveryKeyedOperation() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get(null, (key) -> "v"))
			.withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.getWithStatus(null, (key) -> "v"))
			.withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.getEntry(null)).withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.put(null, "v")).withMessageContaining("'key'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.evict(null)).withMessageContaining("'key'");
	}

	@Test
	void aNullLoaderIsRejectedByNameEvenWhenTheKeyIsFresh() {
		this.cache.put("a", "v");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.get("a", null))
			.withMessageContaining("'loader'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.cache.getWithStatus("absent", null))
			.withMessageContaining("'loader'");
	}

	@ParameterizedTest
	@ValueSource(strings = { "fresh", "stale", "expired" })
	void aZeroOrNegativeWindowIsRejectedByName(String window) {
		for (Duration bad : new Duration[] { Duration.ZERO, Duration.ofSeconds(-1) }) {
			assertThatIllegalArgumentException().isThrownBy(() -> withWindow(window, bad).build())
				.withMessageContaining("'" + window + "'");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> withWindow(window, null).build())
			.withMessageContaining("'" + window + "'");
	}

	private static SwrPolicy.Builder withWindow(String window, Duration value) {
		SwrPolicy.Builder builder = SwrPolicy.builder();
		return switch (window) {
			case "fresh" -> builder.fresh(value);
			case "stale" -> builder.stale(value);
			default -> builder.expired(value);
		};
	}

	@Test
	void aNegativeExpiredWaitIsRejectedByNameAndZeroIsAllowed() {
		assertPolicyRejected((builder) -> builder.expiredWait(Duration.ofMillis(-1)), "'expired-wait'");
		assertThatNoException().isThrownBy(() -> SwrPolicy.builder().expiredWait(Duration.ZERO).build());
	}

	@Test
	void jitterOutsideZeroToOneIsRejectedByName() {
		assertPolicyRejected((builder) -> builder.jitter(1.0), "'jitter'");
		assertPolicyRejected((builder) -> builder.jitter(-0.1), "'jitter'");
		assertPolicyRejected((builder) -> builder.jitter(Double.NaN), "'jitter'");
		assertThatNoException().isThrownBy(() -> SwrPolicy.builder().jitter(0).build());
		assertThatNoException().isThrownBy(() -> SwrPolicy.builder().jitter(0.99).build());
	}

	@Test
	void anExpiredWaitLongerThanTheRefreshTimeoutIsRejectedNamingBoth() {
		assertPolicyRejected(
				(builder) -> builder.refreshTimeout(Duration.ofSeconds(2)).expiredWait(Duration.ofSeconds(3)),
				"'expired-wait'", "'refresh-timeout'");
		assertThatNoException().isThrownBy(
				() -> SwrPolicy.builder().refreshTimeout(Duration.ofSeconds(2)).expiredWait(Duration.ofSeconds(2)).build());
	}

	@Test
	void aBackoffCapShorterThanTheBackoffIsRejectedNamingBoth() {
		assertPolicyRejected(
				(builder) -> builder.refreshBackoff(Duration.ofSeconds(5)).refreshBackoffMax(Duration.ofSeconds(4)),
				"'refresh-backoff-max'", "'refresh-backoff'");
	}

	@Test
	void zeroOrNegativeRefreshTimeoutAndBackoffAreRejectedByName() {
		assertPolicyRejected((builder) -> builder.refreshTimeout(Duration.ZERO).expiredWait(Duration.ZERO),
				"'refresh-timeout'");
		assertPolicyRejected((builder) -> builder.refreshBackoff(Duration.ZERO), "'refresh-backoff'");
		assertPolicyRejected((builder) -> builder.refreshBackoffMax(Duration.ofSeconds(-1)), "'refresh-backoff-max'");
	}

	private static void assertPolicyRejected(UnaryOperator<SwrPolicy.Builder> change, String... named) {
		assertThatIllegalArgumentException().isThrownBy(() -> change.apply(SwrPolicy.builder()).build())
			.withMessageContainingAll(named);
	}

	@Test
	void refreshSchedulerBoundsAreRejectedByName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RefreshScheduler(0, 10, Runnable::run, null))
			.withMessageContaining("'refresh.max-concurrent'");
		assertThatIllegalArgumentException().isThrownBy(() -> new RefreshScheduler(-1, 10, Runnable::run, null))
			.withMessageContaining("'refresh.max-concurrent'");
		assertThatIllegalArgumentException().isThrownBy(() -> new RefreshScheduler(1, -1, Runnable::run, null))
			.withMessageContaining("'refresh.queue-capacity'");
		try (RefreshScheduler smallest = new RefreshScheduler(1, 0, Runnable::run, new ManualTimer())) {
			assertThat(smallest.maxConcurrent()).isEqualTo(1);
			assertThat(smallest.queuedCount()).isZero();
		}
	}

	@Test
	void aMemoryStoreMustHoldAtLeastOneEntry() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MemoryStore<String, String>(0, this.clock))
			.withMessageContaining("'maximum-size'");
		assertThatIllegalArgumentException().isThrownBy(() -> new MemoryStore<String, String>(-5, this.clock))
			.withMessageContaining("'maximum-size'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.engine.<String, String>newCache("tiny").maximumSize(0).build())
			.withMessageContaining("'maximum-size'");
		assertThat(this.engine.cache("tiny")).as("a rejected cache is not registered").isNull();
	}

	@Test
	void aCacheNeedsANameThatIsNotTaken() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.engine.newCache(" "))
			.withMessageContaining("'name'");
		assertThatIllegalArgumentException().isThrownBy(() -> this.engine.newCache("products").build())
			.withMessageContaining("'products'");
	}

	@Test
	void aNegativeShutdownTimeoutIsRejectedByName() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> SwrEngine.builder().shutdownTimeout(Duration.ofSeconds(-1)))
			.withMessageContaining("'refresh.shutdown-timeout'");
	}

}
