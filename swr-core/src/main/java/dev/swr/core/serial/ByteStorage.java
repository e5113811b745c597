package dev.swr.core.serial;

import java.util.concurrent.CompletableFuture;

import dev.swr.core.SwrStoreException;
import org.jspecify.annotations.Nullable;

/**
 * A raw byte backend, such as one Redis hash or key prefix, holding the entries of one cache. A
 * {@link SerializingStore} turns entries into bytes for it, so a backend knows nothing of values.
 * <p>
 * Backends signal their own failures (timeouts, unreachable servers) with a
 * {@link SwrStoreException}.
 */
public interface ByteStorage {

	/**
	 * The bytes stored under {@code key}.
	 * @param key the key, already rendered as a string
	 * @return the bytes, or {@code null} when there are none
	 * @throws SwrStoreException if the backend fails
	 */
	byte @Nullable [] get(String key);

	/**
	 * The bytes stored under {@code key}, unless there are more than {@code maxBytes}: a backend
	 * that can tell the length before it transfers the bytes (Redis) should not transfer them.
	 * @param key the key, already rendered as a string
	 * @param maxBytes the most bytes wanted
	 * @return the bytes, or {@code null} when there are none
	 * @throws SwrStoreException with reason {@code TOO_LARGE} if more than {@code maxBytes} are
	 * stored, or another reason if the backend fails
	 */
	default byte @Nullable [] get(String key, int maxBytes) {
		byte[] bytes = get(key);
		if (bytes != null && bytes.length > maxBytes) {
			throw tooLarge(key, bytes.length, maxBytes);
		}
		return bytes;
	}

	/**
	 * Like {@link #get(String, int)}, without blocking the calling thread; by default it answers
	 * {@link #get(String, int)} at once, right for a backend in memory.
	 * @param key the key, already rendered as a string
	 * @param maxBytes the most bytes wanted
	 * @return the bytes or {@code null} when the read completes; a failed read completes
	 * exceptionally with a {@link SwrStoreException}
	 */
	default CompletableFuture<byte @Nullable []> getAsync(String key, int maxBytes) {
		try {
			return CompletableFuture.completedFuture(get(key, maxBytes));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Whether reads wait on I/O (a remote backend); {@code false} by default. */
	default boolean blocksOnRead() {
		return false;
	}

	/** The failure of a read that found more than {@code maxBytes} under {@code key}. */
	static SwrStoreException tooLarge(String key, long length, int maxBytes) {
		return new SwrStoreException(SwrStoreException.Operation.GET, SwrStoreException.Reason.TOO_LARGE, "Key '" + key
				+ "' holds " + length + " bytes, more than the " + maxBytes + " an entry within max-value-size can take",
				null);
	}

	/**
	 * Stores {@code bytes} under {@code key}, replacing what was there.
	 * @param key the key, already rendered as a string
	 * @param bytes the encoded entry
	 * @param expiresAtEpochMillis when the backend may drop the bytes
	 * @throws SwrStoreException if the backend fails
	 */
	void put(String key, byte[] bytes, long expiresAtEpochMillis);

	/**
	 * Stores {@code bytes} under {@code key} only if {@code lease} is still the key's lease, in one
	 * atomic step: a fenced write, so that a load whose lease lapsed or was taken over never replaces
	 * a newer value. A backend without leases writes and says so.
	 * @param key the key, already rendered as a string
	 * @param bytes the encoded entry
	 * @param expiresAtEpochMillis when the backend may drop the bytes
	 * @param lease the token the writer's lease was taken with
	 * @return whether the bytes were written ({@code false}: the lease is no longer the writer's)
	 * @throws SwrStoreException if the backend fails
	 */
	default boolean putFenced(String key, byte[] bytes, long expiresAtEpochMillis, String lease) {
		put(key, bytes, expiresAtEpochMillis);
		return true;
	}

	/**
	 * Removes the bytes stored under {@code key}, if any.
	 * @param key the key, already rendered as a string
	 * @throws SwrStoreException if the backend fails
	 */
	void delete(String key);

	/**
	 * Removes every key of this cache, and only those.
	 * @return whether a key was removed
	 * @throws SwrStoreException if the backend fails
	 */
	boolean clear();

	/** The approximate number of keys, or {@code -1} when the backend cannot tell cheaply. */
	default long estimatedSize() {
		return -1;
	}

	/** A short name of the kind of backend, such as {@code redis}, for diagnostics. */
	String kind();

}
