package dev.swr.core;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a thread's reads leave for a response's status headers: the worst status, and the end of
 * the fresh window of the entry that status served (the earliest when several).
 */
class StatusTrackingTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("tracked")
		.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(10)).stale(Duration.ofMinutes(1)).jitter(0)
			.missTimeout(Duration.ZERO).build())
		.build();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
		SwrStatus.resetTracking();
	}

	@Test
	void aMissServedNoEntrySoItsFreshnessIsUnknown() {
		SwrStatus.resetTracking();
		this.cache.getWithStatus("a", (key) -> "A");
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.MISS);
		assertThat(SwrStatus.worstFreshUntil()).isEqualTo(SwrStatus.UNKNOWN_FRESH_UNTIL);
	}

	@Test
	void hitsKeepTheEarliestEndOfFreshnessAndAWorseStatusReplacesIt() {
		long start = this.clock.millis();
		this.cache.get("a", (key) -> "A");
		this.clock.advance(Duration.ofSeconds(4));
		this.cache.get("b", (key) -> "B");
		SwrStatus.resetTracking();
		this.cache.getTracked("b", null, (key, context) -> "B", null);
		assertThat(SwrStatus.worstFreshUntil()).isEqualTo(start + 14_000);
		this.cache.getWithStatus("a", (key) -> "A");
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.HIT);
		assertThat(SwrStatus.worstFreshUntil()).isEqualTo(start + 10_000);

		this.clock.advance(Duration.ofSeconds(7));
		this.cache.getWithStatus("a", (key) -> "A2");
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.STALE);
		assertThat(SwrStatus.worstFreshUntil()).as("the stale entry's").isEqualTo(start + 10_000);
		this.cache.getWithStatus("b", (key) -> "B");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		assertThat(SwrStatus.worstFreshUntil()).as("a better status leaves it").isEqualTo(start + 10_000);
	}

	@Test
	void theAsyncPathAndBatchesTrackTheServedEntry() {
		long start = this.clock.millis();
		this.cache.getAll(List.of("a", "b"), (keys) -> java.util.Map.of("a", "A", "b", "B"));
		this.clock.advance(Duration.ofSeconds(12));
		SwrStatus.resetTracking();
		this.cache.getAsync("a", (key) -> java.util.concurrent.CompletableFuture.completedFuture("A2")).join();
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.STALE);
		assertThat(SwrStatus.worstFreshUntil()).isEqualTo(start + 10_000);
		SwrStatus.resetTracking();
		this.cache.getAll(List.of("b", "c"), (keys) -> java.util.Map.of("c", "C"));
		assertThat(SwrStatus.worst()).as("STALE (b) is worse than MISS (c)").isEqualTo(SwrStatus.STALE);
		assertThat(SwrStatus.worstFreshUntil()).isEqualTo(start + 10_000);
	}

}
