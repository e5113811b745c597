package dev.swr.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Every row of the semantics table, with a fake clock and refreshes run by hand: fresh 10s,
 * stale 20s, expired 30s, no jitter.
 */
class SwrCacheSemanticsTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final ManualTimer timeouts = new ManualTimer();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(this.timeouts)
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

	private final java.util.List<SwrEngine> extraEngines = new java.util.ArrayList<>();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
		this.extraEngines.forEach((extra) -> extra.close(Duration.ofSeconds(1)));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	@Test
	void absentKeyIsLoadedOnTheLoadPoolAsAMissWhileTheCallerWaits() {
		Thread caller = Thread.currentThread();
		SwrResult<String> result = this.cache.getWithStatus("a", (key) -> {
			assertThat(Thread.currentThread()).isNotSameAs(caller);
			assertThat(Thread.currentThread().getName()).startsWith("swr-load-");
			return load(key);
		});
		assertThat(result).isEqualTo(new SwrResult<>("a-v1", SwrStatus.MISS));
		assertThat(this.cache.stats().gets(SwrStatus.MISS)).isEqualTo(1);
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void withMissTimeoutZeroAnAbsentKeyIsLoadedOnTheCallersThreadAsAMiss() {
		SwrCache<String, String> inline = this.engine.<String, String>newCache("inline")
			.policy(this.policy.toBuilder().missTimeout(Duration.ZERO).build())
			.build();
		Thread caller = Thread.currentThread();
		SwrResult<String> result = inline.getWithStatus("a", (key) -> {
			assertThat(Thread.currentThread()).isSameAs(caller);
			return load(key);
		});
		assertThat(result).isEqualTo(new SwrResult<>("a-v1", SwrStatus.MISS));
		assertThat(inline.stats().gets(SwrStatus.MISS)).isEqualTo(1);
		assertThat(inline.stats().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void getTrackedHandsItsContextToTheLoaderOnAMissAndARefreshAndTracksEachStatus() {
		SwrContextLoader<String, String, String> loader = (key, context) -> key + "-" + context + "-v"
				+ this.loads.incrementAndGet();
		assertThat(this.cache.getTracked("a", "first call", loader, null)).isEqualTo("a-first call-v1");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
		assertThat(this.cache.getTracked("a", "second call", loader, null)).isEqualTo("a-first call-v1");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.cache.getTracked("a", "stale call", loader, null)).isEqualTo("a-first call-v1");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
		this.refreshes.runAll();
		assertThat(this.cache.getTracked("a", "later call", loader, (value) -> true)).isEqualTo("a-stale call-v2");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		assertThat(this.cache.stats().gets(SwrStatus.HIT)).isEqualTo(2);
		assertThat(this.cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void getTrackedStoresALoadedValueOnlyWhenStoreIfSaysSo() {
		assertThat(this.cache.getTracked("a", "ctx", (key, context) -> "not this", (value) -> false))
			.isEqualTo("not this");
		assertThat(this.cache.getEntry("a")).isNull();
	}

	@Test
	void freshEntryIsAHitWithoutALoad() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofMillis(9_999));
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.HIT));
		assertThat(this.loads).hasValue(1);
		assertThat(this.refreshes.pending()).isZero();
	}

	@Test
	void staleEntryIsServedWhileOneRefreshRuns() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
		assertThat(this.refreshes.pending()).isEqualTo(1);
		assertThat(this.cache.stats().skips(SkipReason.IN_FLIGHT)).isEqualTo(1);
		this.refreshes.runAll();
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v2", SwrStatus.HIT));
		assertThat(this.cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void failedRefreshKeepsTheStaleValue() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(15));
		this.cache.get("a", (key) -> {
			throw new IllegalStateException("source down");
		});
		this.refreshes.runAll();
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
		assertThat(this.cache.stats().loads(LoadTrigger.REFRESH, LoadOutcome.FAILURE)).isEqualTo(1);
		assertThat(this.cache.stats().skips(SkipReason.BACKOFF)).isEqualTo(1);
	}

	@Test
	void expiredEntryWithAZeroWaitIsServedAsExpiredWhileItRefreshes() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.EXPIRED));
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v2", SwrStatus.HIT));
		assertThat(this.cache.stats().loads(LoadTrigger.EXPIRED, LoadOutcome.SUCCESS)).isEqualTo(1);
	}

	@Test
	void expiredEntryRefreshedWithinTheWaitIsAMissWithTheNewValue() {
		SwrCache<String, String> waiting = waitingCache(Runnable::run);
		waiting.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(waiting.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v2", SwrStatus.MISS));
	}

	@Test
	void expiredEntryWhoseRefreshFailsIsAFallback() {
		SwrCache<String, String> waiting = waitingCache(Runnable::run);
		waiting.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(31));
		SwrResult<String> result = waiting.getWithStatus("a", (key) -> {
			throw new IllegalStateException("source down");
		});
		assertThat(result).isEqualTo(new SwrResult<>("a-v1", SwrStatus.FALLBACK));
	}

	@Test
	void expiredEntryDuringBackoffIsAFallbackAtOnceWithoutALoad() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(31));
		this.cache.get("a", (key) -> {
			throw new IllegalStateException("source down");
		});
		this.refreshes.runAll();
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.FALLBACK));
		assertThat(this.refreshes.pending()).isZero();
		assertThat(this.loads).hasValue(1);
	}

	@Test
	void expiredEntryWhoseRefreshIsStillRunningAfterTheWaitIsExpired() {
		// The executor holds the refresh, so the 50 ms wait runs out (a real wait for a thread, not for time).
		SwrCache<String, String> waiting = waitingCache(this.refreshes);
		waiting.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(waiting.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.EXPIRED));
		this.refreshes.runAll();
		assertThat(waiting.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v2", SwrStatus.HIT));
	}

	@Test
	void entryPastItsExpiredWindowIsGoneAndTheCallerLoads() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(60));
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v2", SwrStatus.MISS));
		assertThat(this.refreshes.pending()).isZero();
	}

	@Test
	void missLoadErrorReachesTheCallerUnchanged() {
		IllegalStateException failure = new IllegalStateException("boom");
		SwrStatus.resetTracking();
		Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> this.cache.getWithStatus("a", (key) -> {
			throw failure;
		}));
		assertThat(thrown).isSameAs(failure);
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.FAILURE)).isEqualTo(1);
		assertThat(this.cache.stats().gets(SwrStatus.MISS)).isEqualTo(1);
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
		assertThat(this.cache.getEntry("a")).isNull();
	}

	@Test
	void checkedLoadErrorReachesTheCallerUnchanged() {
		java.io.IOException failure = new java.io.IOException("disk");
		Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> this.cache.get("a", (key) -> {
			throw failure;
		}));
		assertThat(thrown).isSameAs(failure);
	}

	@Test
	void evictDuringARefreshKeepsTheRefreshFromWritingAnOldRead() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(15));
		this.cache.get("a", this::load);
		this.cache.evict("a");
		this.refreshes.runAll();
		assertThat(this.cache.getEntry("a")).isNull();
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v3", SwrStatus.MISS));
	}

	@Test
	void putDuringARefreshWinsOverTheRefresh() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(15));
		this.cache.get("a", this::load);
		this.cache.put("a", "written");
		this.refreshes.runAll();
		assertThat(this.cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("written", SwrStatus.HIT));
	}

	@Test
	void valueRefusedByStoreIfIsReturnedButNotCached() {
		SwrResult<String> result = this.cache.getWithStatus("a", this::load, (value) -> !value.endsWith("v1"));
		assertThat(result).isEqualTo(new SwrResult<>("a-v1", SwrStatus.MISS));
		assertThat(this.cache.getEntry("a")).isNull();
		assertThat(this.cache.getWithStatus("a", this::load, (value) -> true).value()).isEqualTo("a-v2");
		assertThat(this.cache.getEntry("a")).isNotNull();
	}

	@Test
	void refreshedValueRefusedByStoreIfEvictsTheOldOne() {
		this.cache.get("a", this::load);
		this.clock.advance(Duration.ofSeconds(15));
		this.cache.getWithStatus("a", this::load, (value) -> false);
		this.refreshes.runAll();
		assertThat(this.cache.getEntry("a")).isNull();
	}

	@Test
	void closedEngineRefusesNewCaches() {
		this.engine.close(Duration.ofSeconds(1));
		assertThatIllegalStateException().isThrownBy(() -> this.engine.newCache("late").build())
			.withMessageContaining("late");
	}

	private SwrCache<String, String> waitingCache(java.util.concurrent.Executor executor) {
		SwrEngine waitingEngine = SwrEngine.builder().clock(this.clock).refreshExecutor(executor).build();
		this.extraEngines.add(waitingEngine);
		return waitingEngine.<String, String>newCache("waiting")
			.policy(this.policy.toBuilder().expiredWait(Duration.ofMillis(50)).build())
			.build();
	}

	/**
	 * The path documented as never waiting does no store round trip of its own: the check whether
	 * another refresh already replaced the entry is the refresh's first step, on its thread. Before
	 * v2 the stale read re-read the store on the caller's thread (two reads here).
	 */
	@Test
	void aStaleReadThatStartsARefreshReadsTheStoreOnlyOnceOnTheCallersThread() {
		java.util.List<String> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
		SwrStore<String, String> counting = new ForwardingStore("counting", this.clock) {

			@Override
			public SwrEntry<String> get(String key) {
				reads.add(Thread.currentThread().getName());
				return super.get(key);
			}

		};
		SwrCache<String, String> cache = this.engine.<String, String>newCache("counted")
			.policy(this.policy)
			.store(counting)
			.build();
		cache.put("k", "old");
		this.clock.advance(Duration.ofSeconds(15));

		assertThat(cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("old", SwrStatus.STALE));
		assertThat(reads).as("store reads by the stale read itself").hasSize(1);
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(reads).as("the refresh's own check, on its thread").hasSize(2);
		assertThat(cache.getWithStatus("k", this::load)).isEqualTo(new SwrResult<>("k-v1", SwrStatus.HIT));
	}

}
