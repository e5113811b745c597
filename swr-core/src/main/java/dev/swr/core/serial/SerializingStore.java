package dev.swr.core.serial;

import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import dev.swr.core.SwrStoreException;
import dev.swr.core.SwrStoreException.Operation;
import dev.swr.core.SwrStoreException.Reason;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

/**
 * A {@link SwrStore} over a {@link ByteStorage}: entries are encoded by an {@link EnvelopeCodec}
 * and keys rendered with {@link String#valueOf(Object)}.
 * <p>
 * Bytes that do not decode are reported as a {@link SwrStoreException} with the reason of the
 * failure (CORRUPT or REFUSED_TYPE), which the engine counts as a miss. Whether a decoded entry is
 * past {@code expiresAt} is left to the engine, which checks every entry it reads.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SerializingStore<K, V> implements SwrStore<K, V> {

	private final String cacheName;

	private final EnvelopeCodec codec;

	private final JavaType valueType;

	private final ByteStorage storage;

	/**
	 * A store for one cache.
	 * @param cacheName the name of the cache, for messages
	 * @param codec the codec of entries
	 * @param valueType the declared value type; {@code Object} for an untyped cache
	 * @param storage the byte backend of this cache
	 * @throws IllegalArgumentException if an argument is null, naming it
	 */
	public SerializingStore(String cacheName, EnvelopeCodec codec, JavaType valueType, ByteStorage storage) {
		this.cacheName = requireArgument(cacheName, "cacheName");
		this.codec = requireArgument(codec, "codec");
		this.valueType = requireArgument(valueType, "valueType");
		this.storage = requireArgument(storage, "storage");
	}

	@Override
	@SuppressWarnings("unchecked")
	public @Nullable SwrEntry<V> get(K key) {
		String storageKey = String.valueOf(key);
		byte[] bytes = call(Operation.GET, storageKey, () -> this.storage.get(storageKey));
		if (bytes == null) {
			return null;
		}
		try {
			// The codec read the value as valueType, so the cast holds as far as the declared type does.
			return (SwrEntry<V>) this.codec.decode(bytes, this.valueType);
		}
		catch (SwrSerializationException ex) {
			throw new SwrStoreException(Operation.GET, ex.reason(), "Cache '" + this.cacheName
					+ "' cannot decode the entry of key '" + storageKey + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public void put(K key, SwrEntry<V> entry) {
		String storageKey = String.valueOf(key);
		byte[] bytes;
		try {
			bytes = this.codec.encode(entry, this.valueType);
		}
		catch (SwrSerializationException ex) {
			throw new SwrStoreException(Operation.PUT, Reason.SERIALIZATION, "Cache '" + this.cacheName
					+ "' cannot encode the entry of key '" + storageKey + "': " + ex.getMessage(), ex);
		}
		call(Operation.PUT, storageKey, () -> {
			this.storage.put(storageKey, bytes, entry.expiresAt());
			return null;
		});
	}

	@Override
	public void evict(K key) {
		String storageKey = String.valueOf(key);
		call(Operation.EVICT, storageKey, () -> {
			this.storage.delete(storageKey);
			return null;
		});
	}

	@Override
	public boolean clear() {
		return Boolean.TRUE.equals(call(Operation.CLEAR, null, this.storage::clear));
	}

	@Override
	public long estimatedSize() {
		return this.storage.estimatedSize();
	}

	@Override
	public String kind() {
		return this.storage.kind();
	}

	@Override
	public String toString() {
		return "SerializingStore[cache=" + this.cacheName + ", kind=" + this.storage.kind() + "]";
	}

	/**
	 * Runs a backend call. A backend should signal failures with a {@link SwrStoreException}; any
	 * other runtime exception is wrapped as {@link Reason#OTHER} so the store keeps its contract.
	 */
	private <T> @Nullable T call(Operation operation, @Nullable String storageKey, StorageCall<T> call) {
		try {
			return call.run();
		}
		catch (SwrStoreException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			String where = (storageKey != null) ? "' for key '" + storageKey + "'" : "'";
			throw new SwrStoreException(operation, Reason.OTHER, "Cache '" + this.cacheName + where + ": "
					+ this.storage.kind() + " storage failed on " + operation.tag() + ": " + ex, ex);
		}
	}

	private static <T> T requireArgument(@Nullable T argument, String name) {
		if (argument == null) {
			throw new IllegalArgumentException("'" + name + "' must not be null");
		}
		return argument;
	}

	@FunctionalInterface
	private interface StorageCall<T> {

		@Nullable T run();

	}

}
