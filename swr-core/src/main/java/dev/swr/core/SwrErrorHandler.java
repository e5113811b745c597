package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * Decides what happens, besides counting, when a store fails. The engine has already made the
 * failure harmless (a failed read is a miss, a failed write is dropped); the handler only reports.
 */
@FunctionalInterface
public interface SwrErrorHandler {

	/**
	 * A store operation failed.
	 * @param cache the cache name
	 * @param key the key, or {@code null} for {@code clear}
	 * @param error the failure, with its operation and reason
	 */
	void onStoreError(String cache, @Nullable Object key, SwrStoreException error);

}
