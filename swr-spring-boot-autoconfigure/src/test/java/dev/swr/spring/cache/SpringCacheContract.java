package dev.swr.spring.cache;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.cache.Cache;
import org.springframework.cache.support.NullValue;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What Spring's {@link Cache} javadoc promises, and what Spring Framework's own contract tests
 * ({@code AbstractCacheTests}, {@code AbstractValueAdaptingCacheTests}) check of every cache it
 * ships, stated in our words for {@link SwrSpringCache}. One subclass per store: each fact must hold
 * whether entries live in memory, in Redis or in both tiers.
 * <p>
 * Where the stale-while-revalidate semantics leave Spring's words open, the class javadoc of
 * {@link SwrSpringCache} decides: {@code get(key)} answers only fresh entries, and the other reads
 * without a loader agree with it.
 */
public abstract class SpringCacheContract {

	/** The cache the facts are checked on; it caches nulls. */
	protected static final String CACHE_NAME = "contract";

	/** A cache configured with {@code cache-nulls: false}. */
	protected static final String CACHE_NAME_NO_NULL = "contractNoNull";

	private static final Duration FRESH = Duration.ofSeconds(30);

	/** The engine's clock: advanced to make entries stale, never waited on. */
	protected final ManualClock clock = new ManualClock(Instant.now());

	private SwrEngine engine;

	private SwrCacheManager manager;

	/**
	 * Where the caches under test keep their entries, called once per test after the subclass's
	 * own set-up; entries must not be shared with another test.
	 * @param clock the engine's clock
	 * @return the store factory
	 */
	protected abstract SwrStoreFactory storeFactory(InstantSource clock);

	/** The manager of the caches under test, created on first use (after the subclass's set-up). */
	protected SwrCacheManager manager() {
		if (this.manager == null) {
			this.engine = SwrEngine.builder().clock(this.clock).build();
			this.manager = new SwrCacheManager(this.engine, SwrCacheSettings.NONE, Map.of());
			this.manager.setStoreFactory(storeFactory(this.clock));
			this.manager.setPolicy(CACHE_NAME, policy(true));
			this.manager.setPolicy(CACHE_NAME_NO_NULL, policy(false));
		}
		return this.manager;
	}

	private static SwrPolicy policy(boolean cacheNulls) {
		return SwrPolicy.builder()
			.fresh(FRESH)
			.stale(Duration.ofMinutes(10))
			.expired(Duration.ofHours(1))
			.jitter(0)
			.cacheNulls(cacheNulls)
			.build();
	}

	protected Cache cache() {
		return manager().getCache(CACHE_NAME);
	}

	protected Cache cacheWithoutNulls() {
		return manager().getCache(CACHE_NAME_NO_NULL);
	}

	@AfterEach
	void closeEngine() {
		if (this.engine != null) {
			this.engine.close(Duration.ofSeconds(5));
		}
	}

	/** A key no other test (nor an earlier run on the same Redis) has used. */
	protected static String newKey() {
		return UUID.randomUUID().toString();
	}

	private void makeStale() {
		this.clock.advance(FRESH.plusSeconds(1));
	}

	// ---- name and native cache ---------------------------------------------------------------

	@Test
	void theNameIsTheCachesAndTheNativeCacheIsTheEngineCache() {
		Cache cache = cache();
		assertThat(cache.getName()).isEqualTo(CACHE_NAME);
		assertThat(cache.getNativeCache()).isSameAs(manager().getSwrCache(CACHE_NAME));
	}

	// ---- get and put -------------------------------------------------------------------------

	@Test
	void aKeyNeverPutHasNoMappingInAnyForm() {
		Cache cache = cache();
		String key = newKey();
		assertThat(cache.get(key)).isNull();
		assertThat(cache.get(key, String.class)).isNull();
		assertThat(cache.get(key, Object.class)).isNull();
		assertThat(cache.get(key, (Class<?>) null)).isNull();
	}

	@Test
	void aPutValueIsReadBackInEveryForm() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isEqualTo("george");
		assertThat(cache.get(key, String.class)).isEqualTo("george");
		assertThat(cache.get(key, Object.class)).isEqualTo("george");
		assertThat(cache.get(key, (Class<?>) null)).isEqualTo("george");
	}

	@Test
	void aPutReplacesTheValueThatWasThere() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "first");
		cache.put(key, "second");
		assertThat(cache.get(key, String.class)).isEqualTo("second");
	}

	@Test
	void aPutNullIsACachedNullNotAnAbsentKey() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		cache.put(key, null);
		assertThat(cache.get(key)).as("a mapping to null").isNotNull();
		assertThat(cache.get(key).get()).isNull();
		assertThat(cache.get(key, String.class)).as("any type matches a null").isNull();
		assertThat(cache.get(key, Object.class)).isNull();
	}

	@Test
	void springsNullMarkerPutIsACachedNull() {
		Cache cache = cache();
		String key = newKey();
		// Spring's own caches store a null as NullValue; some callers hand one in.
		cache.put(key, NullValue.INSTANCE);
		assertThat(cache.get(key)).as("a mapping to null").isNotNull();
		assertThat(cache.get(key).get()).isNull();
		assertThat(cache.get(key, String.class)).isNull();
		String other = newKey();
		cache.put(other, BeanUtils.instantiateClass(NullValue.class));
		assertThat(cache.get(other)).isNotNull();
		assertThat(cache.get(other).get()).isNull();
		assertThat(cache.get(other, Object.class)).isNull();
	}

	@Test
	void springsNullMarkerLoadedIsACachedNull() throws Exception {
		Cache cache = cache();
		String key = newKey();
		Object loaded = cache.get(key, () -> NullValue.INSTANCE);
		assertThat(loaded).isNull();
		assertThat(cache.get(key)).isNotNull();
		assertThat(cache.get(key).get()).isNull();
		String other = newKey();
		assertThat(cache.retrieve(other, () -> CompletableFuture.completedFuture(NullValue.INSTANCE)).get()).isNull();
		assertThat(cache.get(other)).isNotNull();
		assertThat(cache.get(other).get()).isNull();
	}

	@Test
	void aValueOfAnotherTypeThanRequiredIsAnIllegalStateNamingTheCache() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		assertThatIllegalStateException().isThrownBy(() -> cache.get(key, Integer.class))
			.withMessageContaining(CACHE_NAME)
			.withMessageContaining(Integer.class.getName());
	}

	@Test
	void aStaleEntryIsNoMappingForTheReadsWithoutALoader() throws Exception {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		makeStale();
		assertThat(cache.get(key)).isNull();
		assertThat(cache.get(key, String.class)).isNull();
		assertNoMapping(cache.retrieve(key));
	}

	// ---- putIfAbsent -------------------------------------------------------------------------

	@Test
	void putIfAbsentWritesWhenThereIsNoMappingAndOtherwiseAnswersTheMappingUnchanged() {
		Cache cache = cache();
		String key = newKey();
		assertThat(cache.putIfAbsent(key, "initial")).as("null: the value was written").isNull();
		assertThat(cache.get(key).get()).isEqualTo("initial");
		assertThat(cache.putIfAbsent(key, "another")).isNotNull().extracting(Cache.ValueWrapper::get)
			.isEqualTo("initial");
		assertThat(cache.get(key).get()).isEqualTo("initial");
	}

	@Test
	void putIfAbsentOfACachedNullAnswersAWrapperOfNullAndKeepsIt() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, null);
		Cache.ValueWrapper existing = cache.putIfAbsent(key, "another");
		assertThat(existing).as("a mapping to null, not an absent key").isNotNull();
		assertThat(existing.get()).isNull();
		assertThat(cache.get(key).get()).isNull();
	}

	@Test
	void putIfAbsentAgreesWithGetThatAStaleEntryIsNoMapping() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "old");
		makeStale();
		assertThat(cache.get(key)).isNull();
		assertThat(cache.putIfAbsent(key, "new")).as("null: the value was written").isNull();
		assertThat(cache.get(key)).isNotNull().extracting(Cache.ValueWrapper::get).isEqualTo("new");
	}

	// ---- evict, clear, invalidate ------------------------------------------------------------

	@Test
	void evictRemovesTheMapping() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		cache.evict(key);
		assertThat(cache.get(key)).isNull();
		cache.evict(key);
	}

	@Test
	void evictIfPresentTellsWhetherThereWasAMappingAndRemovesIt() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		assertThat(cache.evictIfPresent(key)).isTrue();
		assertThat(cache.get(key)).isNull();
		assertThat(cache.evictIfPresent(key)).isFalse();
	}

	@Test
	void evictIfPresentAndInvalidateCountAStaleEntryAsPresentSinceALoadingReadStillServesIt() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		makeStale();
		// get(key) does not answer it, but get(key, loader) would serve it while refreshing:
		// removing it changes what lookups see, so it was there.
		assertThat(cache.evictIfPresent(key)).isTrue();
		cache.put(key, "george");
		makeStale();
		assertThat(cache.invalidate()).isTrue();
	}

	@Test
	void clearRemovesEveryMapping() {
		Cache cache = cache();
		cache.put("enescu", "george");
		cache.put("vlaicu", "aurel");
		cache.clear();
		assertThat(cache.get("enescu")).isNull();
		assertThat(cache.get("vlaicu")).isNull();
	}

	@Test
	void invalidateOfACacheWithMappingsIsTrueAndRemovesThem() {
		Cache cache = cache();
		cache.put("enescu", "george");
		cache.put("vlaicu", null);
		assertThat(cache.invalidate()).isTrue();
		assertThat(cache.get("enescu")).isNull();
		assertThat(cache.get("vlaicu")).isNull();
	}

	@Test
	void invalidateIsFalseWhenThereWasNothingToRemove() {
		Cache cache = cache();
		assertThat(cache.invalidate()).as("never written").isFalse();
		cache.put(newKey(), "george");
		assertThat(cache.invalidate()).isTrue();
		assertThat(cache.invalidate()).as("invalidated already").isFalse();
	}

	// ---- get with a loader -------------------------------------------------------------------

	@Test
	void getWithALoaderReturnsAndCachesWhatItLoads() {
		Cache cache = cache();
		String key = newKey();
		assertThat(cache.get(key, () -> "loaded")).isEqualTo("loaded");
		assertThat(cache.get(key).get()).isEqualTo("loaded");
	}

	@Test
	void getWithALoaderReturnsAndCachesANullItLoads() {
		Cache cache = cache();
		String key = newKey();
		Object loaded = cache.get(key, () -> null);
		assertThat(loaded).isNull();
		assertThat(cache.get(key)).as("a cached null").isNotNull();
		assertThat(cache.get(key).get()).isNull();
	}

	@Test
	void getWithALoaderDoesNotCallItForACachedValue() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "existing");
		Object value = cache.get(key, SpringCacheContract::mustNotLoad);
		assertThat(value).isEqualTo("existing");
	}

	@Test
	void getWithALoaderDoesNotCallItForACachedNull() {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, null);
		Object value = cache.get(key, SpringCacheContract::mustNotLoad);
		assertThat(value).isNull();
	}

	@Test
	void getWithALoaderThatThrowsIsAValueRetrievalExceptionCausedByWhatItThrew() {
		Cache cache = cache();
		String key = newKey();
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> cache.get(key, () -> {
			throw new UnsupportedOperationException("expected");
		})).withCauseExactlyInstanceOf(UnsupportedOperationException.class)
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo(key));
		IOException checked = new IOException("expected");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> cache.get(key, () -> {
			throw checked;
		})).withCause(checked);
		assertThat(cache.get(key)).as("nothing cached").isNull();
	}

	@Test
	void concurrentGetsWithALoaderOfOneKeyCallOneLoader() throws Exception {
		Cache cache = cache();
		String key = newKey();
		int threads = 10;
		AtomicInteger calls = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Integer>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> cache.get(key, () -> {
					int call = calls.incrementAndGet();
					release.await();
					return call;
				})));
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
			release.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(1);
			}
			assertThat(calls).hasValue(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	// ---- retrieve ----------------------------------------------------------------------------

	@Test
	void retrieveOfAKeyNeverPutIsNoMapping() {
		assertNoMapping(cache().retrieve(newKey()));
	}

	@Test
	void retrieveOfAPresentValueCompletesWithIt() throws Exception {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, "george");
		assertThat(unwrapped(cache.retrieve(key).get())).isEqualTo("george");
	}

	@Test
	void retrieveOfACachedNullCompletesWithAWrapperOfNull() throws Exception {
		Cache cache = cache();
		String key = newKey();
		cache.put(key, null);
		CompletableFuture<?> retrieved = cache.retrieve(key);
		assertThat(retrieved).as("a mapping, known at once").isNotNull();
		// A plain null in the future would mean "a miss found late": the caller would load again.
		assertThat(retrieved.get()).isInstanceOf(Cache.ValueWrapper.class);
		assertThat(((Cache.ValueWrapper) retrieved.get()).get()).isNull();
	}

	@Test
	void retrieveWithALoaderLoadsOnceAndCaches() throws Exception {
		Cache cache = cache();
		String key = newKey();
		AtomicInteger calls = new AtomicInteger();
		assertThat(cache.retrieve(key, () -> CompletableFuture.completedFuture("v" + calls.incrementAndGet())).get())
			.isEqualTo("v1");
		assertThat(cache.retrieve(key, () -> CompletableFuture.completedFuture("v" + calls.incrementAndGet())).get())
			.isEqualTo("v1");
		assertThat(calls).hasValue(1);
		assertThat(cache.get(key).get()).isEqualTo("v1");
	}

	@Test
	void retrieveWithALoaderCachesANullAsAUserLevelNull() throws Exception {
		Cache cache = cache();
		String key = newKey();
		assertThat(cache.retrieve(key, () -> CompletableFuture.completedFuture(null)).get()).isNull();
		assertThat(cache.get(key)).as("a cached null").isNotNull();
		assertThat(cache.retrieve(key, SpringCacheContract::mustNotRetrieve).get()).isNull();
	}

	@Test
	void retrieveWithALoaderPropagatesItsFailureToTheFuture() {
		Cache cache = cache();
		String key = newKey();
		IllegalStateException failure = new IllegalStateException("expected");
		CompletableFuture<Object> failed = cache.retrieve(key, () -> CompletableFuture.failedFuture(failure));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(failed::get).withCause(failure);
		CompletableFuture<Object> thrown = cache.retrieve(key, () -> {
			throw failure;
		});
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(thrown::get).withCause(failure);
		assertThat(cache.get(key)).as("nothing cached").isNull();
	}

	// ---- nulls on a cache that does not cache them -------------------------------------------

	@Test
	void aNullPutOnACacheThatDoesNotCacheNullsIsRefusedInSpringsWordsNamingTheCache() {
		Cache cache = cacheWithoutNulls();
		String key = newKey();
		cache.put(key, "george");
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> cache.put(key, null))
			.withMessageContaining(CACHE_NAME_NO_NULL)
			.withMessageContaining("is configured to not allow null values but null was provided")
			.withMessageContaining("cache-nulls");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> cache.put(key, NullValue.INSTANCE))
			.withMessageContaining(CACHE_NAME_NO_NULL);
		assertThat(cache.get(key).get()).as("the refused put changed nothing").isEqualTo("george");
		String absent = newKey();
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> cache.putIfAbsent(absent, null));
		assertThat(cache.get(absent)).isNull();
	}

	@Test
	void aNullLoadedOnACacheThatDoesNotCacheNullsIsReturnedButNotCached() throws Exception {
		Cache cache = cacheWithoutNulls();
		String key = newKey();
		AtomicInteger calls = new AtomicInteger();
		for (int i = 0; i < 2; i++) {
			Object loaded = cache.get(key, () -> {
				calls.incrementAndGet();
				return null;
			});
			assertThat(loaded).isNull();
		}
		assertThat(calls).as("nothing was cached, so each call loaded").hasValue(2);
		assertThat(cache.get(key)).isNull();
		String other = newKey();
		assertThat(cache.retrieve(other, () -> CompletableFuture.completedFuture(null)).get()).isNull();
		assertThat(cache.get(other)).isNull();
		assertNoMapping(cache.retrieve(other));
	}

	@Test
	void aValueOnACacheThatDoesNotCacheNullsIsCachedAndRetrievedAsUsual() throws Exception {
		Cache cache = cacheWithoutNulls();
		String key = newKey();
		cache.put(key, "george");
		assertThat(cache.get(key).get()).isEqualTo("george");
		assertThat(unwrapped(cache.retrieve(key).get())).isEqualTo("george");
	}

	/** A value that can be of no cache, to prove a loader was not called. */
	private static Object mustNotLoad() {
		throw new IllegalStateException("the loader must not be called");
	}

	private static <T> CompletableFuture<T> mustNotRetrieve() {
		throw new IllegalStateException("the loader must not be called");
	}

	/** What a retrieve completed with, its wrapper (if any) taken off, as Spring's interceptor does. */
	protected static Object unwrapped(Object retrieved) {
		return (retrieved instanceof Cache.ValueWrapper wrapper) ? wrapper.get() : retrieved;
	}

	/**
	 * {@code retrieve(key)} of a key with no mapping, in either form the javadoc allows: {@code null}
	 * when the cache can tell at once (memory), or a future completing with {@code null} (a late
	 * miss, from a store read without blocking).
	 */
	static void assertNoMapping(@org.jspecify.annotations.Nullable CompletableFuture<?> retrieved) {
		if (retrieved != null) {
			assertThat(retrieved).succeedsWithin(java.time.Duration.ofSeconds(10)).isNull();
		}
	}

}
