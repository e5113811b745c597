package dev.swr.core.serial;

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
	 * Stores {@code bytes} under {@code key}, replacing what was there.
	 * @param key the key, already rendered as a string
	 * @param bytes the encoded entry
	 * @param expiresAtEpochMillis when the backend may drop the bytes
	 * @throws SwrStoreException if the backend fails
	 */
	void put(String key, byte[] bytes, long expiresAtEpochMillis);

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
