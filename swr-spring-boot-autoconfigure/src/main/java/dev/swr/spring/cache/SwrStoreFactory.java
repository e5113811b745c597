package dev.swr.spring.cache;

import org.springframework.core.ResolvableType;

import dev.swr.core.SwrStore;

/**
 * Creates the store of each cache the {@link SwrCacheManager} creates.
 */
@FunctionalInterface
public interface SwrStoreFactory {

	/**
	 * The store of a new cache.
	 * @param cacheName the cache
	 * @param maximumSize its maximum number of entries in memory
	 * @param valueType the type of its values when every method using it agrees on one, else
	 * {@link ResolvableType#NONE} (byte stores then record the type name of each value)
	 * @return the store
	 */
	SwrStore<Object, Object> createStore(String cacheName, long maximumSize, ResolvableType valueType);

}
