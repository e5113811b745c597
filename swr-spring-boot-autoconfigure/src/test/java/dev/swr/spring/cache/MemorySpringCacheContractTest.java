package dev.swr.spring.cache;

import java.time.InstantSource;

import dev.swr.core.MemoryStore;

/**
 * {@link SpringCacheContract} with the memory store.
 */
class MemorySpringCacheContractTest extends SpringCacheContract {

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		return (name, maximumSize, valueType) -> new MemoryStore<>(maximumSize, clock);
	}

}
