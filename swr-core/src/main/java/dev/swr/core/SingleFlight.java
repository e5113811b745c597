package dev.swr.core;

import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The flights of one cache, at most one per key. A flight enters with {@link #claim} and leaves
 * only through {@link #settle}: whatever runs between the load and its waiters' answer (the
 * loader's outcome, {@code unless}, the TTL policy, the serializer, the store) runs inside
 * {@code settle}'s {@code try}, and its {@code finally} removes the flight and completes it. A key
 * cannot be left stuck by something that throws.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class SingleFlight<K, V> {

	private final ConcurrentHashMap<K, Flight<V>> flights = new ConcurrentHashMap<>();

	/** The flight of {@code key} running now, or {@code null}. */
	@Nullable Flight<V> running(K key) {
		return this.flights.get(key);
	}

	/**
	 * Registers {@code mine} unless a flight of {@code key} runs already.
	 * @return the flight already running, or {@code null} when {@code mine} is now registered and
	 * the caller must settle it
	 */
	@Nullable Flight<V> claim(K key, Flight<V> mine) {
		return this.flights.putIfAbsent(key, mine);
	}

	/**
	 * The one exit of a flight: runs {@code landing}, then, whatever it did or threw, removes the
	 * flight and completes it with the entry or the exception.
	 */
	void settle(K key, Flight<V> flight, Landing<V> landing) {
		SwrEntry<V> entry = null;
		Throwable failure = Flight.ABANDONED;
		try {
			entry = landing.land();
			failure = null;
		}
		catch (Throwable ex) {
			failure = ex;
		}
		finally {
			// Removed before completed: a waiter that wakes and loads anew must not find it.
			this.flights.remove(key, flight);
			if (failure == null) {
				flight.result.complete(entry);
			}
			else {
				flight.result.completeExceptionally(failure);
			}
		}
	}

	/** Marks the flight of {@code key} obsolete and forgets it: its result is not written. */
	void supersede(K key) {
		Flight<V> flight = this.flights.remove(key);
		if (flight != null) {
			flight.supersede();
		}
	}

	/** Marks every running flight obsolete. */
	void supersedeAll() {
		for (K key : this.flights.keySet()) {
			supersede(key);
		}
	}

	/** How many flights run now. */
	int size() {
		return this.flights.size();
	}

	/** What a flight lands with: the entry its waiters get, or an exception they get instead. */
	@FunctionalInterface
	interface Landing<V> {

		@Nullable SwrEntry<V> land() throws Throwable;

	}

}
