package dev.swr.core;

import java.time.Duration;

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

	/** Releases a lease taken with {@link #tryLease}, if it is still the holder's. */
	void releaseLease(K key, String token);

	/**
	 * How long a caller that finds no entry waits for another instance that holds the key's lease
	 * to write one, before it loads on its own; zero means it never waits (each instance loads).
	 */
	default Duration lockWait() {
		return Duration.ZERO;
	}

}
