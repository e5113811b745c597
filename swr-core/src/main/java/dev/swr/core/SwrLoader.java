package dev.swr.core;

/**
 * Loads the value of a key from the source the cache stands in front of.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface SwrLoader<K, V> {

	/**
	 * Loads the current value of {@code key}.
	 * @param key the key, never {@code null}
	 * @return the value; {@code null} is cached only when the policy caches nulls
	 * @throws Exception any failure; a caller that waited for this load gets it unchanged
	 */
	V load(K key) throws Exception;

}
