package dev.swr.core.serial;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

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

	/** Reads under way: concurrent readers of one key share one read and one decode. */
	private final ConcurrentHashMap<String, CompletableFuture<SwrEntry<V>>> reading = new ConcurrentHashMap<>();

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

	/**
	 * {@inheritDoc}
	 * <p>
	 * Concurrent readers of one key share one read of the backend and one decode: a hundred
	 * readers of a large entry hold one copy of its bytes and value, not a hundred. A backend read
	 * is bounded by the backend (Redis: its command timeout), so a sharer waits no longer than it
	 * would have for its own read. Bytes longer than an entry within {@code max-value-size} can be
	 * are not transferred where the backend can tell ({@code TOO_LARGE}).
	 */
	@Override
	public @Nullable SwrEntry<V> get(K key) {
		String storageKey = String.valueOf(key);
		CompletableFuture<SwrEntry<V>> mine = new CompletableFuture<>();
		CompletableFuture<SwrEntry<V>> running = this.reading.putIfAbsent(storageKey, mine);
		if (running != null) {
			return join(running);
		}
		try {
			SwrEntry<V> entry = read(storageKey);
			mine.complete(entry);
			return entry;
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.reading.remove(storageKey, mine);
		}
	}

	private static <V> @Nullable SwrEntry<V> join(CompletableFuture<SwrEntry<V>> running) {
		try {
			return running.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SwrStoreException(Operation.GET, Reason.OTHER, "Interrupted while waiting for a shared read", ex);
		}
		catch (ExecutionException ex) {
			// The same failure as the reader's: counted once per caller, as each asked for it.
			Throwable cause = ex.getCause();
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw (Error) cause;
		}
	}

	private @Nullable SwrEntry<V> read(String storageKey) {
		byte[] bytes = call(Operation.GET, storageKey, () -> this.storage.get(storageKey, this.codec.maxEnvelopeSize()));
		return decode(storageKey, bytes);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Shares reads with concurrent readers of the key as {@link #get} does, and waits on nothing:
	 * the backend's own asynchronous read completes it.
	 */
	@Override
	public CompletableFuture<@Nullable SwrEntry<V>> getAsync(K key) {
		String storageKey = String.valueOf(key);
		CompletableFuture<SwrEntry<V>> mine = new CompletableFuture<>();
		CompletableFuture<SwrEntry<V>> running = this.reading.putIfAbsent(storageKey, mine);
		if (running != null) {
			return running.copy();
		}
		CompletableFuture<byte @Nullable []> bytes;
		try {
			bytes = this.storage.getAsync(storageKey, this.codec.maxEnvelopeSize());
		}
		catch (RuntimeException ex) {
			bytes = CompletableFuture.failedFuture(ex);
		}
		bytes.whenComplete((read, failure) -> {
			try {
				if (failure != null) {
					throw storageFailure(Operation.GET, storageKey, unwrap(failure));
				}
				mine.complete(decode(storageKey, read));
			}
			catch (RuntimeException | Error ex) {
				mine.completeExceptionally(ex);
			}
			finally {
				this.reading.remove(storageKey, mine);
			}
		});
		return mine.copy();
	}

	@Override
	public boolean blocksOnRead() {
		return this.storage.blocksOnRead();
	}

	@SuppressWarnings("unchecked")
	private @Nullable SwrEntry<V> decode(String storageKey, byte @Nullable [] bytes) {
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

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null)
				? failure.getCause() : failure;
	}

	@Override
	public void put(K key, SwrEntry<V> entry) {
		String storageKey = String.valueOf(key);
		byte[] bytes = encode(storageKey, entry);
		call(Operation.PUT, storageKey, () -> {
			this.storage.put(storageKey, bytes, entry.expiresAt());
			return null;
		});
	}

	/**
	 * Writes {@code entry} only if {@code lease} is still the key's lease (see
	 * {@link ByteStorage#putFenced}).
	 * @return whether it was written
	 */
	public boolean putFenced(K key, SwrEntry<V> entry, String lease) {
		String storageKey = String.valueOf(key);
		byte[] bytes = encode(storageKey, entry);
		return Boolean.TRUE.equals(
				call(Operation.PUT, storageKey, () -> this.storage.putFenced(storageKey, bytes, entry.expiresAt(), lease)));
	}

	private byte[] encode(String storageKey, SwrEntry<V> entry) {
		try {
			return this.codec.encode(entry, this.valueType);
		}
		catch (SwrSerializationException ex) {
			// A value too large to keep says so; any other value that cannot be written is a serialization failure.
			Reason reason = (ex.reason() == Reason.TOO_LARGE) ? Reason.TOO_LARGE : Reason.SERIALIZATION;
			throw new SwrStoreException(Operation.PUT, reason, "Cache '" + this.cacheName
					+ "' cannot encode the entry of key '" + storageKey + "': " + ex.getMessage(), ex);
		}
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
		catch (RuntimeException ex) {
			throw storageFailure(operation, storageKey, ex);
		}
	}

	/** A backend failure as a store failure: a {@link SwrStoreException} as it is, anything else as OTHER. */
	private RuntimeException storageFailure(Operation operation, @Nullable String storageKey, Throwable ex) {
		if (ex instanceof SwrStoreException storeException) {
			return storeException;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		String where = (storageKey != null) ? "' for key '" + storageKey + "'" : "'";
		return new SwrStoreException(operation, Reason.OTHER, "Cache '" + this.cacheName + where + ": "
				+ this.storage.kind() + " storage failed on " + operation.tag() + ": " + ex, ex);
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
