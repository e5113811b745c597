package dev.swr.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** Reads of many keys: one source call for the misses, one background call for the stale keys. */
class BatchReadsTest {

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
		.missTimeout(Duration.ZERO)
		.jitter(0)
		.build();

	/** Every call of the source, with the keys it was asked for. */
	private final List<Set<Integer>> calls = new CopyOnWriteArrayList<>();

	private final Map<Integer, AtomicInteger> loadsPerKey = new ConcurrentHashMap<>();

	private final AtomicInteger version = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
		SwrStatus.resetTracking();
	}

	private Map<Integer, String> source(Set<Integer> keys) {
		this.calls.add(keys);
		int v = this.version.incrementAndGet();
		Map<Integer, String> values = new HashMap<>();
		for (Integer key : keys) {
			this.loadsPerKey.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			values.put(key, key + "-v" + v);
		}
		return values;
	}

	private SwrCache<Integer, String> cache(String name) {
		return this.engine.<Integer, String>newCache(name).policy(this.policy).build();
	}

	private static Map<Integer, SwrStatus> statuses(Map<Integer, SwrResult<String>> results) {
		Map<Integer, SwrStatus> statuses = new LinkedHashMap<>();
		results.forEach((key, result) -> statuses.put(key, result.status()));
		return statuses;
	}

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void aFailingLoadServesOldValuesAndFailsACallWithNothingCached() {
		SwrCache<Integer, String> cache = cache("failing");
		cache.getAll(List.of(1), this::source);
		this.clock.advance(Duration.ofSeconds(40));
		SwrBatchLoader<Integer, String> failing = (keys) -> {
			this.calls.add(keys);
			throw new IllegalStateException("source down");
		};
		Map<Integer, SwrResult<String>> served = cache.getAll(List.of(1), failing);
		assertThat(served.get(1)).isEqualTo(new SwrResult<>("1-v1", SwrStatus.FALLBACK));
		assertThatIllegalStateException().isThrownBy(() -> cache.getAll(List.of(1, 2), failing))
			.withMessage("source down");
		assertThat(this.calls.get(this.calls.size() - 1)).containsExactly(1, 2);
		assertThat(cache.inspect().loadsInFlight()).isZero();
		assertThat(cache.getAll(List.of(2), this::source).get(2).status()).isEqualTo(SwrStatus.MISS);
	}

	@Test
	void keysTheSourceLeavesOutAreAbsentAndNotCachedUnlessNullsAre() {
		SwrCache<Integer, String> cache = this.engine.<Integer, String>newCache("partial")
			.policy(this.policy.toBuilder().cacheNulls(false).build())
			.build();
		SwrBatchLoader<Integer, String> onlyEven = (keys) -> {
			Map<Integer, String> values = new HashMap<>(source(keys));
			values.keySet().removeIf((key) -> key % 2 == 1);
			return values;
		};
		Map<Integer, SwrResult<String>> first = cache.getAll(List.of(1, 2), onlyEven);
		assertThat(first.get(1)).isEqualTo(new SwrResult<>(null, SwrStatus.MISS));
		assertThat(first.get(2).value()).isEqualTo("2-v1");
		assertThat(cache.getEntry(1)).isNull();
		cache.getAll(List.of(1, 2), onlyEven);
		assertThat(this.calls.get(1)).containsExactly(1);

		SwrCache<Integer, String> nulls = this.engine.<Integer, String>newCache("partialNulls")
			.policy(this.policy.toBuilder().cacheNulls(true).build())
			.build();
		nulls.getAll(List.of(1, 2), onlyEven);
		assertThat(nulls.getAll(List.of(1, 2), onlyEven).get(1)).isEqualTo(new SwrResult<>(null, SwrStatus.HIT));
		assertThat(this.calls).hasSize(3);
	}

	@Test
	void aSourceReturningNullOrForeignKeysLeavesEveryKeyAbsent() {
		SwrCache<Integer, String> cache = cache("foreign");
		assertThat(cache.getAll(List.of(1), (keys) -> null).get(1)).isEqualTo(new SwrResult<>(null, SwrStatus.MISS));
		Map<Integer, SwrResult<String>> foreign = cache.getAll(List.of(1), (keys) -> {
			@SuppressWarnings({ "unchecked", "rawtypes" })
			Map<Integer, String> longs = (Map) Map.of(1L, "one");
			return longs;
		});
		assertThat(foreign.get(1).value()).isNull();
		assertThat(cache.inspect().loadsInFlight()).isZero();
	}

	@Test
	void nullKeysAndArgumentsAreRefused() {
		SwrCache<Integer, String> cache = cache("nulls");
		List<Integer> withNull = new ArrayList<>();
		withNull.add(1);
		withNull.add(null);
		assertThatIllegalArgumentException().isThrownBy(() -> cache.getAll(withNull, this::source))
			.withMessageContaining("cache 'nulls'");
		assertThatIllegalArgumentException().isThrownBy(() -> cache.getAll(null, this::source));
		assertThatIllegalArgumentException().isThrownBy(() -> cache.getAll(List.of(1), null));
		assertThat(this.calls).isEmpty();
	}

	@Test
	void overlappingConcurrentBatchesLoadEachKeyOnce() throws Exception {
		SwrCache<Integer, String> cache = cache("overlapping");
		CountDownLatch release = new CountDownLatch(1);
		SwrBatchLoader<Integer, String> slow = (keys) -> {
			Map<Integer, String> values = source(keys);
			release.await(10, TimeUnit.SECONDS);
			return values;
		};
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Map<Integer, SwrResult<String>>>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				// Windows of four keys, each sharing three with the next.
				List<Integer> keys = List.of(i, i + 1, i + 2, i + 3);
				results.add(pool.submit(() -> cache.getAll(keys, slow)));
			}
			// Every key 0..10 is being loaded by some call before any call ends.
			await().atMost(Duration.ofSeconds(10)).until(() -> this.loadsPerKey.keySet().size() == threads + 3);
			release.countDown();
			for (Future<Map<Integer, SwrResult<String>>> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).hasSize(4).allSatisfy((key, value) -> {
					assertThat(value.value()).startsWith(key + "-v");
					assertThat(value.status()).isEqualTo(SwrStatus.MISS);
				});
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.loadsPerKey).allSatisfy((key, loads) -> assertThat(loads).as("loads of key %d", key).hasValue(1));
		assertThat(cache.inspect().loadsInFlight()).isZero();
	}

	@Test
	void aKeyASingleReadIsLoadingIsAwaitedNotLoadedAgain() throws Exception {
		SwrCache<Integer, String> cache = cache("joined");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<String> single = caller.submit(() -> cache.get(1, (key) -> {
				started.countDown();
				release.await(10, TimeUnit.SECONDS);
				return "1-single";
			}));
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			Future<Map<Integer, SwrResult<String>>> batch = Executors.newSingleThreadExecutor()
				.submit(() -> cache.getAll(List.of(1, 2), this::source));
			await().atMost(Duration.ofSeconds(10)).until(() -> this.calls.size() == 1);
			assertThat(this.calls.get(0)).containsExactly(2);
			release.countDown();
			assertThat(single.get(10, TimeUnit.SECONDS)).isEqualTo("1-single");
			assertThat(batch.get(10, TimeUnit.SECONDS).get(1)).isEqualTo(new SwrResult<>("1-single", SwrStatus.MISS));
		}
		finally {
			caller.shutdownNow();
		}
	}

	// ---- what a batch read does ------------------------------------------------------------

	@Test
	void theMissesOfOneCallAreLoadedByOneCallWithOnlyTheMissingKeys() {
		SwrCache<Integer, String> cache = cache("misses");
		cache.getAll(List.of(1), this::source);
		Map<Integer, SwrResult<String>> results = cache.getAll(List.of(3, 1, 2, 3), this::source);
		assertThat(results.keySet()).as("in the order asked, though 1 was answered first").containsExactly(3, 1, 2);
		assertThat(statuses(results)).containsExactly(Map.entry(3, SwrStatus.MISS), Map.entry(1, SwrStatus.HIT),
				Map.entry(2, SwrStatus.MISS));
		assertThat(this.calls).hasSize(2);
		assertThat(this.calls.get(1)).containsExactly(3, 2);
		assertThat(cache.stats().snapshot().loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(2);
	}

	@Test
	void staleKeysAreServedAndRefreshedByOneBackgroundCall() {
		SwrCache<Integer, String> cache = cache("stale");
		cache.getAll(List.of(1, 2, 3), this::source);
		this.clock.advance(Duration.ofSeconds(15));
		cache.put(3, "3-put");
		Map<Integer, SwrResult<String>> results = cache.getAll(List.of(1, 2, 3), this::source);
		assertThat(statuses(results)).containsExactly(Map.entry(1, SwrStatus.STALE), Map.entry(2, SwrStatus.STALE),
				Map.entry(3, SwrStatus.HIT));
		assertThat(results.get(1).value()).isEqualTo("1-v1");
		assertThat(SwrStatus.last()).as("the worst key's status").isEqualTo(SwrStatus.STALE);
		assertThat(cache.getAll(List.of(1, 2), this::source).get(1).status()).as("refresh still queued")
			.isEqualTo(SwrStatus.STALE);
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(this.calls).hasSize(2);
		assertThat(this.calls.get(1)).containsExactly(1, 2);
		assertThat(statuses(cache.getAll(List.of(1, 2), this::source))).containsOnly(Map.entry(1, SwrStatus.HIT),
				Map.entry(2, SwrStatus.HIT));
	}

	@Test
	void aFailedBatchRefreshBacksOffEachKey() {
		SwrCache<Integer, String> cache = cache("backoff");
		cache.getAll(List.of(1, 2), this::source);
		this.clock.advance(Duration.ofSeconds(15));
		cache.getAll(List.of(1, 2), (keys) -> {
			throw new IllegalStateException("down");
		});
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		cache.getAll(List.of(1, 2), this::source);
		assertThat(this.refreshes.pending()).as("both keys back off").isZero();
		assertThat(cache.stats().snapshot().skips(SkipReason.BACKOFF)).isEqualTo(2);
		assertThat(cache.stats().snapshot().loads(LoadTrigger.REFRESH, LoadOutcome.FAILURE)).isEqualTo(1);
	}

	@Test
	void expiredKeysAreLoadedWithTheMissesAndEachTaggedByItsValue() {
		SwrCache<Integer, String> cache = cache("expired");
		cache.getAll(List.of(1), this::source);
		this.clock.advance(Duration.ofSeconds(40));
		SwrTagger<String> tagger = (value) -> List.of("v:" + value);
		Map<Integer, SwrResult<String>> results = cache.getAll(List.of(1, 2), this::source, null, tagger);
		assertThat(statuses(results)).containsExactly(Map.entry(1, SwrStatus.MISS), Map.entry(2, SwrStatus.MISS));
		assertThat(this.calls.get(1)).containsExactly(1, 2);
		assertThat(cache.getEntry(2).tags()).containsExactly("v:2-v2");
		cache.evictByTag("v:2-v2", false);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(statuses(cache.getAll(List.of(1, 2), this::source))).containsExactly(Map.entry(1, SwrStatus.HIT),
				Map.entry(2, SwrStatus.MISS));
	}

}
