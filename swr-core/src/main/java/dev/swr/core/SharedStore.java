package dev.swr.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * A store that several application instances share (Redis), through which they coordinate so that
 * a stale key is refreshed by one instance at a time and, optionally, a cold key is loaded once.
 * <p>
 * A lease is a short-lived exclusive claim on a key. Failing to reach the store to take one must
 * not stop the application: implementations throw {@link SwrStoreException}, and the engine then
 * proceeds as if it held the lease (counting the error).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface SharedStore<K, V> extends SwrStore<K, V> {

	/**
	 * Takes the lease of {@code key} if no instance holds it.
	 * @param key the key
	 * @param ttl how long the lease lasts at most, should its holder never release it
	 * @return a token to release it with, or {@code null} when another instance holds it
	 */
	@Nullable String tryLease(K key, Duration ttl);

	/**
	 * Like {@link #tryLease}, without blocking the calling thread. By default it asks
	 * {@link #tryLease} at once, right for a store in memory.
	 * @param key the key
	 * @param ttl how long the lease lasts at most
	 * @return the token, or {@code null} when another instance holds the lease; a failed future
	 * ({@link SwrStoreException}) when the store could not be asked
	 */
	default CompletableFuture<@Nullable String> tryLeaseAsync(K key, Duration ttl) {
		try {
			return CompletableFuture.completedFuture(tryLease(key, ttl));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/** Releases a lease taken with {@link #tryLease}, if it is still the holder's. */
	void releaseLease(K key, String token);

	/**
	 * Writes {@code entry} only if {@code lease} is still the key's lease, atomically: the write of a
	 * load whose lease lapsed (a slow load, a pause) or was taken over by another instance, or that a
	 * write or evict not under the lease overtook, is refused, so it never replaces a newer value.
	 * Writes that hold no lease ({@link #put}, {@link #evict}) end any lease of the key for this
	 * reason. By default, for a store whose leases fence nothing, it writes.
	 * @param key the key
	 * @param entry the entry
	 * @param lease the token {@link #tryLease} returned
	 * @return whether the entry was written ({@code false}: refused, nothing changed)
	 * @throws SwrStoreException if the store fails
	 */
	default boolean putFenced(K key, SwrEntry<V> entry, String lease) {
		put(key, entry);
		return true;
	}

	/**
	 * How long a caller that finds no entry waits for another instance that holds the key's lease
	 * to write one, before it loads on its own; zero means it never waits (each instance loads).
	 */
	default Duration lockWait() {
		return Duration.ZERO;
	}

}
