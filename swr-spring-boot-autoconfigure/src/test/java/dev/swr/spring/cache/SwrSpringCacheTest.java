package dev.swr.spring.cache;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;

import dev.swr.core.MemoryStore;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException;
import dev.swr.spring.ForwardingStore;

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
	private static final class RefusingWrites extends ForwardingStore {

		volatile boolean refuse;

		RefusingWrites(InstantSource clock) {
			super(new MemoryStore<>(100, clock));
		}

		@Override
		public void put(Object key, SwrEntry<Object> entry) {
			if (this.refuse) {
				throw new SwrStoreException(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TIMEOUT,
						"write timed out", null);
			}
			super.put(key, entry);
		}

		@Override
		public String kind() {
			return "refusing";
		}

	}

}
