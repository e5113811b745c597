package dev.swr.core;

/**
 * Loads the value of a key with a per-call context, for
 * {@link SwrCache#getTracked(Object, Object, SwrContextLoader, java.util.function.Predicate)}: the
 * context (a method invocation, say) is passed in rather than captured, so a loader can be one
 * shared instance and a fresh hit allocates nothing for it.
 *
 * @param <K> the key type
 * @param <C> the context type
 * @param <V> the value type
 */
@FunctionalInterface
public interface SwrContextLoader<K, C, V> {

	/**
	 * Loads the current value of {@code key}.
	 * @param key the key, never {@code null}
	 * @param context the context given to {@code getTracked}
	 * @return the value; {@code null} is cached only when the policy caches nulls
	 * @throws Exception any failure; a caller that waited for this load gets it unchanged
	 */
	V load(K key, C context) throws Exception;

}
