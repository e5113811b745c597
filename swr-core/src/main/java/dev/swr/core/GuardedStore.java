package dev.swr.core;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A cache's store as the engine uses it: it never throws. A failed read is a miss, a failed write is
 * dropped, and each failure is counted and handed to the {@link SwrErrorHandler}.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class GuardedStore<K, V> {

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	final SwrStore<K, V> store;

	private final String cacheName;

	private final SwrStats stats;

	private final SwrErrorHandler errorHandler;

	GuardedStore(SwrStore<K, V> store, String cacheName, SwrStats stats, SwrErrorHandler errorHandler) {
		this.store = store;
		this.cacheName = cacheName;
		this.stats = stats;
		this.errorHandler = errorHandler;
	}

	@Nullable SwrEntry<V> get(K key) {
		try {
			return this.store.get(key);
		}
		catch (RuntimeException ex) {
			failed(key, SwrStoreException.Operation.GET, ex);
			return null;
		}
	}

	/** Writes {@code entry}; {@code false} when the store refused it (counted and reported). */
	boolean put(K key, SwrEntry<V> entry) {
		try {
			this.store.put(key, entry);
			this.stats.recordPut();
			return true;
		}
		catch (RuntimeException ex) {
			failed(key, SwrStoreException.Operation.PUT, ex);
			return false;
		}
	}

	/**
	 * A fenced write (see {@link SharedStore#putFenced}) when the store is shared, a plain one otherwise.
	 * @return {@link Boolean#TRUE} written, {@link Boolean#FALSE} refused for a lost lease, {@code null} failed (counted)
	 */
	@Nullable Boolean putFenced(K key, SwrEntry<V> entry, String lease) {
		if (!(this.store instanceof SharedStore<K, V> shared)) {
			return put(key, entry) ? Boolean.TRUE : null;
		}
		try {
			boolean written = shared.putFenced(key, entry, lease);
			if (written) {
				this.stats.recordPut();
			}
			return written;
		}
		catch (RuntimeException ex) {
			failed(key, SwrStoreException.Operation.PUT, ex);
			return null;
		}
	}

	void evict(K key) {
		try {
			this.store.evict(key);
		}
		catch (RuntimeException ex) {
			failed(key, SwrStoreException.Operation.EVICT, ex);
		}
	}

	/**
	 * Clears the store; {@code true} when it removed an entry, {@code false} when none or, unless
	 * {@code rethrow}, it failed.
	 * @param rethrow whether a failure, once counted and reported, is thrown as a {@link SwrStoreException}
	 */
	boolean clear(boolean rethrow) {
		try {
			return this.store.clear();
		}
		catch (RuntimeException ex) {
			SwrStoreException error = failed(null, SwrStoreException.Operation.CLEAR, ex);
			if (rethrow) {
				throw error;
			}
			return false;
		}
	}

	/** The store's asynchronous read: a failing store is a miss ({@code null}), counted and reported. */
	CompletableFuture<@Nullable SwrEntry<V>> getAsync(K key) {
		CompletableFuture<@Nullable SwrEntry<V>> reading;
		try {
			reading = this.store.getAsync(key);
		}
		catch (RuntimeException ex) {
			reading = CompletableFuture.failedFuture(ex);
		}
		return reading.exceptionally((failure) -> {
			failedAsync(key, SwrStoreException.Operation.GET, failure);
			return null;
		});
	}

	/** Like {@link #failed(Object, SwrStoreException.Operation, RuntimeException)}, for what failed a future. */
	SwrStoreException failedAsync(@Nullable Object key, SwrStoreException.Operation operation, Throwable failure) {
		Throwable cause = Revalidator.unwrap(failure);
		return failed(key, operation,
				(cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause));
	}

	/** Counts and reports a failure of the store, or of a shared store's lease commands. */
	SwrStoreException failed(@Nullable Object key, SwrStoreException.Operation operation, RuntimeException ex) {
		SwrStoreException error = (ex instanceof SwrStoreException storeError) ? storeError
				: new SwrStoreException(operation, SwrStoreException.Reason.OTHER, "Store '" + this.store.kind()
						+ "' of cache '" + this.cacheName + "' failed to " + operation.tag() + " key '" + key + "'", ex);
		this.stats.recordStoreError(operation, error.reason());
		try {
			this.errorHandler.onStoreError(this.cacheName, key, error);
		}
		catch (RuntimeException handlerFailure) {
			logger.log(System.Logger.Level.WARNING, "Store error handler failed", handlerFailure);
		}
		return error;
	}

}
