package dev.swr.core;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * Where one cache keeps its entries. One instance serves one cache, so keys need no cache prefix
 * on the hot path.
 * <p>
 * A store may fail (a remote store is down, slow, or holds bytes it cannot decode): it then throws
 * a {@link SwrStoreException}, and the engine treats a failed read as a miss and a failed write as
 * dropped, counts it and reports it to its {@link SwrErrorHandler}. Callers never see it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SwrStore<K, V> {

	/** The entry for {@code key}, or {@code null} when there is none or it is past {@code expiresAt}. */
	@Nullable SwrEntry<V> get(K key);

	/**
	 * Like {@link #get}, without blocking the calling thread: for asynchronous callers (a
	 * {@code CompletableFuture} or {@code Mono} method, Spring's {@code Cache.retrieve}), which may
	 * run on an event loop. A store that waits on I/O overrides it and {@link #blocksOnRead()}; the
	 * default answers {@link #get} at once, right for a store in memory.
	 * @param key the key
	 * @return the entry, or {@code null}, when the read completes; a failed read completes
	 * exceptionally with a {@link SwrStoreException}
	 */
	default CompletableFuture<@Nullable SwrEntry<V>> getAsync(K key) {
		try {
			return CompletableFuture.completedFuture(get(key));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Whether {@link #get} may wait on I/O (a remote store), so that asynchronous callers must
	 * read through {@link #getAsync}; {@code false} by default.
	 */
	default boolean blocksOnRead() {
		return false;
	}

	/** Stores {@code entry}, replacing any entry of {@code key}; the store drops it at {@code expiresAt}. */
	void put(K key, SwrEntry<V> entry);

	/** Removes the entry of {@code key}, if any. */
	void evict(K key);

	/**
	 * Removes every entry of this cache.
	 * @return whether an entry was removed: {@code false} when there was none that had not expired
	 */
	boolean clear();

	/** The approximate number of entries, or {@code -1} when the store cannot tell cheaply. */
	default long estimatedSize() {
		return -1;
	}

	/**
	 * Whether the store answers now, for health details. A remote store checks its connection; the
	 * default (an in-process store) always answers. It must not throw and should be quick.
	 */
	default boolean isReachable() {
		return true;
	}

	/**
	 * Where this store keeps the tag evictions of its cache so that every instance sharing it (and a
	 * restarted one, for a persistent store) sees them; {@code null} by default, for a store of one
	 * instance in memory: the engine then keeps them in memory.
	 */
	default @Nullable TagMarkStore tagMarks() {
		return null;
	}

	/** A short name of the kind of store, such as {@code memory} or {@code redis}, for diagnostics. */
	String kind();

}
