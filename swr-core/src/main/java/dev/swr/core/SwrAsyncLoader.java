package dev.swr.core;

import java.util.concurrent.CompletableFuture;

/**
 * Loads the value of a key without blocking its caller, for sources with an asynchronous client.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface SwrAsyncLoader<K, V> {

	/**
	 * Starts loading the current value of {@code key}.
	 * @param key the key, never {@code null}
	 * @return a future of the value; a {@code null} future stands for a {@code null} value
	 * @throws Exception a failure to start; treated like a failed future
	 */
	CompletableFuture<? extends V> load(K key) throws Exception;

}
