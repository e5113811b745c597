package dev.swr.spring.cache;

import java.time.Duration;
import java.time.InstantSource;

import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;

import dev.swr.core.MemoryStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpringCacheContract} with the memory store, whose entries expire on the engine's clock.
 */
class MemorySpringCacheContractTest extends SpringCacheContract {

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		return (name, maximumSize, valueType) -> new MemoryStore<>(maximumSize, clock);
	}

	@Test
	void invalidateIsFalseWhenEveryEntryHadExpired() {
		Cache cache = cache();
		cache.put(newKey(), "george");
		// Past every window: gone for the engine, though Caffeine may not have dropped it yet.
		this.clock.advance(Duration.ofDays(1));
		assertThat(cache.invalidate()).isFalse();
	}

}
