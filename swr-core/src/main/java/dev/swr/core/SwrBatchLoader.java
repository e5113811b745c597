package dev.swr.core;

import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Loads many keys of a cache with one call of the source, for {@link SwrCache#getAll}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface SwrBatchLoader<K, V> {

	/**
	 * Loads {@code keys}.
	 * @param keys the keys to load: only those the cache could not serve, never empty, unmodifiable
	 * @return the value of each key the source has; a key left out is absent (cached as such when
	 * null results are cached); {@code null} means none
	 * @throws Exception if the source fails; the keys' callers get it, or their old values
	 */
	@Nullable Map<? extends K, ? extends V> loadAll(Set<K> keys) throws Exception;

}
