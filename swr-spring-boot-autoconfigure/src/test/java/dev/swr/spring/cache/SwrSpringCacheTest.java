package dev.swr.spring.cache;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;

import dev.swr.core.MemoryStore;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStore;
import dev.swr.core.SwrStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What {@link SwrSpringCache} does beyond the facts every store is held to in
 * {@link SpringCacheContract}: how the manager hands it out, the status it tracks, and a put the
 * store refuses.
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
	void theManagerHandsOutOneCachePerName() {
		assertThat(this.cache.getName()).isEqualTo("contract");
		assertThat(this.cache.getNativeCache()).isSameAs(this.manager.getSwrCache("contract"));
		assertThat(this.manager.getCache("contract")).isSameAs(this.cache);
		assertThat(this.manager.getCacheNames()).containsExactly("contract");
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
