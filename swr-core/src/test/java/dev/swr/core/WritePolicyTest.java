package dev.swr.core;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a write decides: the jittered fresh window, whether a null is kept, and the windows a
 * per-value {@link SwrTtlPolicy} chooses.
 */
class WritePolicyTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofSeconds(20))
		.expired(Duration.ofSeconds(30))
		.expiredWait(Duration.ZERO)
		.jitter(0)
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	private String loadNull(String key) {
		this.loads.incrementAndGet();
		return null;
	}

	// ---- jitter --------------------------------------------------------------------------------

	@Test
	void jitterShortensOnlyTheFreshWindowAndByNoMoreThanItsFraction() {
		SwrCache<Integer, String> cache = this.engine.<Integer, String>newCache("jittered")
			.policy(this.policy.toBuilder().jitter(0.5).build())
			.build();
		Set<Long> freshWindows = new HashSet<>();
		for (int i = 0; i < 1_000; i++) {
			cache.put(i, "v");
			SwrEntry<String> entry = cache.getEntry(i);
			long writtenAt = entry.writtenAt();
			assertThat(writtenAt).isEqualTo(this.clock.millis());
			assertThat(entry.freshUntil() - writtenAt).as("fresh window of write %d", i).isBetween(5_000L, 10_000L);
			assertThat(entry.staleUntil()).as("stale window unchanged").isEqualTo(writtenAt + 30_000);
			assertThat(entry.expiresAt()).as("expired window unchanged").isEqualTo(writtenAt + 60_000);
			freshWindows.add(entry.freshUntil() - writtenAt);
		}
		assertThat(freshWindows).as("writes do not all go stale together").hasSizeGreaterThan(1);
	}

	@Test
	void withoutJitterEveryWriteIsFreshForTheWholeWindow() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("exact").policy(this.policy).build();
		cache.get("a", this::load);
		SwrEntry<String> entry = cache.getEntry("a");
		assertThat(entry.freshUntil() - entry.writtenAt()).isEqualTo(10_000);
	}

	// ---- nulls ---------------------------------------------------------------------------------

	@Test
	void aCachedNullIsAHitWithoutASecondLoad() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("nulls")
			.policy(this.policy.toBuilder().cacheNulls(true).build())
			.build();
		assertThat(cache.getWithStatus("a", this::loadNull)).isEqualTo(new SwrResult<>(null, SwrStatus.MISS));
		assertThat(cache.getWithStatus("a", this::loadNull)).isEqualTo(new SwrResult<>(null, SwrStatus.HIT));
		assertThat(this.loads).hasValue(1);
		assertThat(cache.getEntry("a")).isNotNull();
	}

	@Test
	void anUncachedNullIsLoadedAgainOnEveryRead() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("no-nulls")
			.policy(this.policy.toBuilder().cacheNulls(false).build())
			.build();
		assertThat(cache.getWithStatus("a", this::loadNull)).isEqualTo(new SwrResult<>(null, SwrStatus.MISS));
		assertThat(cache.getWithStatus("a", this::loadNull)).isEqualTo(new SwrResult<>(null, SwrStatus.MISS));
		assertThat(this.loads).hasValue(2);
		assertThat(cache.getEntry("a")).isNull();
	}

	@Test
	void aRefreshThatReturnsAnUncachedNullEvictsTheOlderValue() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("no-nulls")
			.policy(this.policy.toBuilder().cacheNulls(false).build())
			.build();
		cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(15));
		assertThat(cache.getWithStatus("a", this::loadNull)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
		assertThat(this.refreshes.runAll()).isEqualTo(1);

		assertThat(cache.getEntry("a")).as("the source has no value now").isNull();
		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v3", SwrStatus.MISS));
	}

	// ---- per-value TTL policy ------------------------------------------------------------------

	private static final EntryWindows SHORT = EntryWindows.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
			Duration.ofSeconds(3));

	@Test
	void windowsChosenPerValueAreApplied() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("per-value")
			.policy(this.policy)
			.ttlPolicy((name, key, value, configured) -> "out-of-stock".equals(value) ? SHORT : null)
			.build();
		cache.put("sold-out", "out-of-stock");
		cache.put("plenty", "in-stock");

		assertWindows(cache.getEntry("sold-out"), 1_000, 3_000, 6_000);
		assertWindows(cache.getEntry("plenty"), 10_000, 30_000, 60_000);
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(cache.getWithStatus("sold-out", this::load).status()).isEqualTo(SwrStatus.STALE);
		assertThat(cache.getWithStatus("plenty", this::load).status()).isEqualTo(SwrStatus.HIT);
		assertThat(this.refreshes.runAll()).as("the short-lived value is refreshed").isEqualTo(1);
	}

	@Test
	void theTtlPolicyIsToldTheCacheKeyValueAndConfiguredWindows() {
		Object[] seen = new Object[4];
		SwrCache<String, String> cache = this.engine.<String, String>newCache("per-value")
			.policy(this.policy)
			.ttlPolicy((name, key, value, configured) -> {
				seen[0] = name;
				seen[1] = key;
				seen[2] = value;
				seen[3] = configured;
				return SHORT;
			})
			.build();
		cache.get("k", this::load);
		assertThat(seen).containsExactly("per-value", "k", "k-v1", this.policy.windows());
		assertWindows(cache.getEntry("k"), 1_000, 3_000, 6_000);
	}

	@Test
	void aThrowingTtlPolicyFallsBackToTheConfiguredWindowsAndTheValueIsStillServed() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("per-value")
			.policy(this.policy)
			.ttlPolicy((name, key, value, configured) -> {
				throw new IllegalStateException("policy bug");
			})
			.build();
		assertThat(cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.MISS));
		assertWindows(cache.getEntry("k"), 10_000, 30_000, 60_000);
	}

	private static void assertWindows(SwrEntry<?> entry, long fresh, long staleUntil, long expiresAt) {
		assertThat(entry.freshUntil() - entry.writtenAt()).as("fresh").isEqualTo(fresh);
		assertThat(entry.staleUntil() - entry.writtenAt()).as("stale until").isEqualTo(staleUntil);
		assertThat(entry.expiresAt() - entry.writtenAt()).as("expires at").isEqualTo(expiresAt);
	}

}
