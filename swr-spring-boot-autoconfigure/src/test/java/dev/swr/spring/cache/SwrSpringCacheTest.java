package dev.swr.spring.cache;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;

import dev.swr.core.MemoryStore;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStore;
import dev.swr.core.SwrStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The contract Spring's own {@link Cache} implementations keep, for {@link SwrSpringCache}: puts
 * and gets, nulls, {@code putIfAbsent}, a loader that throws, concurrent loaders, eviction.
 */
class SwrSpringCacheTest {

	private final SwrEngine engine = SwrEngine.builder().build();

	private final SwrCacheManager manager = new SwrCacheManager(this.engine, SwrCacheSettings.NONE, Map.of());

	private final Cache cache = this.manager.getCache("contract");

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	@Test
	void nameAndNativeCache() {
		assertThat(this.cache.getName()).isEqualTo("contract");
		assertThat(this.cache.getNativeCache()).isSameAs(this.manager.getSwrCache("contract"));
		assertThat(this.manager.getCache("contract")).isSameAs(this.cache);
		assertThat(this.manager.getCacheNames()).containsExactly("contract");
	}

	@Test
	void putThenGet() {
		assertThat(this.cache.get("k")).isNull();
		this.cache.put("k", "v");
		assertThat(this.cache.get("k").get()).isEqualTo("v");
		assertThat(this.cache.get("k", String.class)).isEqualTo("v");
	}

	@Test
	void getWithTheWrongTypeFails() {
		this.cache.put("k", "v");
		assertThatIllegalStateException().isThrownBy(() -> this.cache.get("k", Integer.class))
			.withMessageContaining("contract");
	}

	@Test
	void nullValuesAreCachedAndDistinguishedFromAbsence() {
		this.cache.put("k", null);
		assertThat(this.cache.get("k")).isNotNull();
		assertThat(this.cache.get("k").get()).isNull();
	}

	@Test
	void nullIsRefusedWhenTheCacheDoesNotCacheNulls() {
		this.manager.setPolicy("strict", SwrPolicy.builder().cacheNulls(false).build());
		Cache strict = this.manager.getCache("strict");
		assertThatIllegalArgumentException().isThrownBy(() -> strict.put("k", null)).withMessageContaining("strict");
	}

	@Test
	void putIfAbsentKeepsTheExistingValue() {
		assertThat(this.cache.putIfAbsent("k", "first")).isNull();
		assertThat(this.cache.putIfAbsent("k", "second").get()).isEqualTo("first");
		assertThat(this.cache.get("k").get()).isEqualTo("first");
	}

	@Test
	void getWithALoaderLoadsOnceAndCaches() {
		AtomicInteger loads = new AtomicInteger();
		assertThat(this.cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(this.cache.get("k", () -> "v" + loads.incrementAndGet())).isEqualTo("v1");
		assertThat(loads).hasValue(1);
	}

	@Test
	void getWithALoaderThatThrowsWrapsItInValueRetrievalException() {
		UnsupportedOperationException failure = new UnsupportedOperationException("expected");
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> this.cache.get("k", () -> {
			throw failure;
		})).withCause(failure).satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("k"));
		assertThat(this.cache.get("k")).isNull();
	}

	@Test
	void concurrentLoadersOfOneKeyShareOneLoad() throws Exception {
		int threads = 16;
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<Object>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> this.cache.get("k", () -> {
					loads.incrementAndGet();
					release.await();
					return "v";
				})));
			}
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> loads.get() == 1);
			release.countDown();
			for (Future<Object> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("v");
			}
			assertThat(loads).hasValue(1);
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void retrieveLoadsAsynchronouslyOnce() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CompletableFuture<String> first = this.cache.retrieve("k",
				() -> CompletableFuture.completedFuture("v" + loads.incrementAndGet()));
		assertThat(first.get()).isEqualTo("v1");
		assertThat(this.cache.retrieve("k").get()).isInstanceOfSatisfying(Cache.ValueWrapper.class,
				(wrapper) -> assertThat(wrapper.get()).isEqualTo("v1"));
		assertThat(this.cache.retrieve("absent")).isNull();
	}

	@Test
	void aGetWithALoaderTracksItsStatusForTheStatusHeader() {
		SwrStatus.resetTracking();
		this.cache.get("k", () -> "v");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
		this.cache.get("k", () -> "v");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		assertThatExceptionOfType(Cache.ValueRetrievalException.class).isThrownBy(() -> this.cache.get("failing", () -> {
			throw new IllegalStateException("expected");
		}));
		assertThat(SwrStatus.last()).as("a failed load is a miss too").isEqualTo(SwrStatus.MISS);
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.MISS);
	}

	@Test
	void aPutWhoseWriteTheStoreRefusedLeavesNoOldValueToServe() {
		RefusingWrites store = new RefusingWrites(this.engine.clock());
		this.manager.setStoreFactory((name, maximumSize, valueType) -> store);
		Cache refusing = this.manager.getCache("refusing");
		refusing.put("k", "old");
		store.refuse = true;
		// A @CachePut whose Redis write timed out: the old value must not be served as current.
		refusing.put("k", "new");
		assertThat(refusing.get("k")).isNull();
		assertThat(refusing.get("k", () -> "loaded")).isEqualTo("loaded");
	}

	@Test
	void evictAndClear() {
		this.cache.put("a", "1");
		this.cache.put("b", "2");
		assertThat(this.cache.evictIfPresent("a")).isTrue();
		assertThat(this.cache.evictIfPresent("a")).isFalse();
		assertThat(this.cache.get("a")).isNull();
		this.cache.clear();
		assertThat(this.cache.get("b")).isNull();
		this.cache.put("c", "3");
		assertThat(this.cache.invalidate()).isTrue();
		assertThat(this.cache.get("c")).isNull();
	}

	/** A memory store whose writes can be made to time out, as a Redis write may. */
	private static final class RefusingWrites implements SwrStore<Object, Object> {

		private final MemoryStore<Object, Object> delegate;

		volatile boolean refuse;

		RefusingWrites(InstantSource clock) {
			this.delegate = new MemoryStore<>(100, clock);
		}

		@Override
		public @Nullable SwrEntry<Object> get(Object key) {
			return this.delegate.get(key);
		}

		@Override
		public void put(Object key, SwrEntry<Object> entry) {
			if (this.refuse) {
				throw new SwrStoreException(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TIMEOUT,
						"write timed out", null);
			}
			this.delegate.put(key, entry);
		}

		@Override
		public void evict(Object key) {
			this.delegate.evict(key);
		}

		@Override
		public boolean clear() {
			return this.delegate.clear();
		}

		@Override
		public String kind() {
			return "refusing";
		}

	}

}
