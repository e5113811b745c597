package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * A store that fails on every call: readers are answered from the loader as if nothing were
 * cached, writes are dropped, and each failure is counted and reported to the engine's
 * {@link SwrErrorHandler} instead of reaching the caller.
 */
class FailingStoreTest {

	private final ManualClock clock = new ManualClock();

	private final List<Reported> reported = new CopyOnWriteArrayList<>();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(new ManualExecutor())
		.timeoutTimer(new ManualTimer())
		.errorHandler((cache, key, error) -> this.reported.add(new Reported(cache, key, error)))
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	@Test
	void readsAreMissesAnsweredByTheLoaderAndWritesAreDroppedWithoutAnExceptionReachingTheCaller() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.store(new BrokenStore())
			.build();

		assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.MISS));
		assertThat(cache.getWithStatus("a", this::load)).as("the write was dropped: loaded again")
			.isEqualTo(new SwrResult<>("a-v2", SwrStatus.MISS));
		assertThat(cache.getEntry("a")).isNull();

		SwrStats stats = cache.stats();
		assertThat(stats.storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.UNAVAILABLE))
			.isEqualTo(3);
		assertThat(stats.storeErrors(SwrStoreException.Operation.PUT, SwrStoreException.Reason.OTHER))
			.as("a plain RuntimeException is counted as OTHER")
			.isEqualTo(2);
		assertThat(stats.loads(LoadTrigger.MISS, LoadOutcome.SUCCESS)).isEqualTo(2);
	}

	@Test
	void everyStoreFailureReachesTheErrorHandlerWithCacheKeyOperationAndReason() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.store(new BrokenStore())
			.build();
		cache.get("a", this::load);
		assertThatNoException().isThrownBy(() -> cache.evict("a"));
		assertThat(cache.clear()).as("nothing is known to be cleared").isFalse();

		assertThat(this.reported).extracting(Reported::cache).containsOnly("products");
		assertThat(this.reported).extracting((r) -> r.error().operation())
			.containsExactly(SwrStoreException.Operation.GET, SwrStoreException.Operation.PUT,
					SwrStoreException.Operation.EVICT, SwrStoreException.Operation.CLEAR);
		assertThat(this.reported).extracting(Reported::key).containsExactly("a", "a", "a", null);
		Reported put = this.reported.get(1);
		assertThat(put.error().reason()).isEqualTo(SwrStoreException.Reason.OTHER);
		assertThat(put.error()).hasMessageContaining("'products'")
			.hasMessageContaining("'a'")
			.hasCauseInstanceOf(IllegalStateException.class);
		assertThat(cache.stats().storeErrors()).isEqualTo(4);
	}

	@Test
	void clearOrThrowCountsAndReportsAFailedClearThenThrowsItWhereClearReturnsFalse() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.store(new BrokenStore())
			.build();
		assertThat(cache.clear()).isFalse();
		assertThatExceptionOfType(SwrStoreException.class).isThrownBy(cache::clearOrThrow)
			.satisfies((error) -> assertThat(error.operation()).isEqualTo(SwrStoreException.Operation.CLEAR));
		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.CLEAR, SwrStoreException.Reason.OTHER))
			.isEqualTo(2);
		assertThat(this.reported).hasSize(2);
	}

	@Test
	void aStoreExceptionIsReportedAsItWasThrown() {
		BrokenStore store = new BrokenStore();
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").store(store).build();
		cache.get("a", this::load);
		assertThat(this.reported.get(0).error()).isSameAs(store.readFailure);
	}

	@Test
	void aFailingErrorHandlerDoesNotReachTheCallerEither() {
		try (SwrEngine strict = SwrEngine.builder()
			.clock(this.clock)
			.refreshExecutor(new ManualExecutor())
			.timeoutTimer(new ManualTimer())
			.shutdownTimeout(Duration.ofSeconds(5))
			.errorHandler((cache, key, error) -> {
				throw new IllegalStateException("handler bug");
			})
			.build()) {
			SwrCache<String, String> cache = strict.<String, String>newCache("products").store(new BrokenStore()).build();
			assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.MISS));
			assertThat(cache.stats().storeErrors()).isEqualTo(2);
		}
	}

	@Test
	void aStaleRefreshWithAFailingWriteKeepsServingTheReadableValue() {
		FlakyWrites store = new FlakyWrites(this.clock);
		ManualExecutor refreshes = new ManualExecutor();
		try (SwrEngine manual = SwrEngine.builder()
			.clock(this.clock)
			.refreshExecutor(refreshes)
			.timeoutTimer(new ManualTimer())
			.shutdownTimeout(Duration.ofSeconds(5))
			.errorHandler((cache, key, error) -> this.reported.add(new Reported(cache, key, error)))
			.build()) {
			SwrCache<String, String> cache = manual.<String, String>newCache("products")
				.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(10)).jitter(0).build())
				.store(store)
				.build();
			cache.get("a", this::load);
			store.failWrites = true;
			this.clock.advance(Duration.ofSeconds(15));
			assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
			assertThatNoException().isThrownBy(refreshes::runAll);
			assertThat(cache.stats().storeErrors(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TIMEOUT))
				.isEqualTo(1);
			assertThat(this.reported).hasSize(1);
			// The dropped write left the old entry, which is still served and refreshed again.
			assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
			store.failWrites = false;
			assertThat(refreshes.runAll()).isEqualTo(1);
			assertThat(cache.getWithStatus("a", this::load)).isEqualTo(new SwrResult<>("a-v3", SwrStatus.HIT));
		}
	}

	@Test
	void aPutWhoseWriteFailsRemovesTheOldValueInsteadOfLeavingItServed() {
		FlakyWrites store = new FlakyWrites(this.clock);
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products").store(store).build();
		cache.put("a", "old");
		store.failWrites = true;
		assertThatNoException().isThrownBy(() -> cache.put("a", "new"));
		// A put replaces: the old value is not what the source holds any more (a @CachePut says so).
		assertThat(cache.getEntry("a")).isNull();
		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TIMEOUT))
			.isEqualTo(1);
		assertThat(this.reported).extracting((r) -> r.error().operation())
			.containsExactly(SwrStoreException.Operation.PUT);
	}

	@Test
	void aPutWhoseWriteAndEvictBothFailIsCountedTwiceAndThrowsNothing() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
			.store(new BrokenStore())
			.build();
		assertThatNoException().isThrownBy(() -> cache.put("a", "new"));
		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.PUT, SwrStoreException.Reason.OTHER))
			.isEqualTo(1);
		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.EVICT, SwrStoreException.Reason.OTHER))
			.isEqualTo(1);
		assertThat(this.reported).extracting((r) -> r.error().operation())
			.containsExactly(SwrStoreException.Operation.PUT, SwrStoreException.Operation.EVICT);
	}

	private record Reported(String cache, @Nullable Object key, SwrStoreException error) {

	}

	/** Reads fail as unavailable; everything else throws a plain runtime exception. */
	private static final class BrokenStore implements SwrStore<String, String> {

		final SwrStoreException readFailure = new SwrStoreException(SwrStoreException.Operation.GET,
				SwrStoreException.Reason.UNAVAILABLE, "connection refused", null);

		@Override
		public @Nullable SwrEntry<String> get(String key) {
			throw this.readFailure;
		}

		@Override
		public void put(String key, SwrEntry<String> entry) {
			throw new IllegalStateException("disk full");
		}

		@Override
		public void evict(String key) {
			throw new IllegalStateException("disk full");
		}

		@Override
		public boolean clear() {
			throw new IllegalStateException("disk full");
		}

		@Override
		public String kind() {
			return "broken";
		}

	}

	/** A memory store whose writes can be made to time out. */
	private static final class FlakyWrites extends ForwardingStore {

		volatile boolean failWrites;

		FlakyWrites(ManualClock clock) {
			super("flaky", clock);
		}

		@Override
		public void put(String key, SwrEntry<String> entry) {
			if (this.failWrites) {
				throw new SwrStoreException(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TIMEOUT,
						"write timed out", null);
			}
			super.put(key, entry);
		}

	}

}
