package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * One cached value and the instants, in epoch milliseconds, that bound its windows. Immutable;
 * the in-memory store holds these objects as they are, so a fresh hit neither copies nor decodes.
 *
 * @param value the cached value; {@code null} when a null result was cached
 * @param writtenAt when the value was written
 * @param freshUntil end of the fresh window (exclusive)
 * @param staleUntil end of the stale window (exclusive)
 * @param expiresAt end of the expired window; the entry is gone from then on
 * @param <V> the value type
 */
public record SwrEntry<V>(@Nullable V value, long writtenAt, long freshUntil, long staleUntil, long expiresAt) {

	/**
	 * Validates that the instants are in order.
	 * @throws IllegalArgumentException if {@code writtenAt <= freshUntil <= staleUntil <= expiresAt} does not hold
	 */
	public SwrEntry {
		if (!(writtenAt <= freshUntil && freshUntil <= staleUntil && staleUntil <= expiresAt)) {
			throw new IllegalArgumentException("Entry instants out of order: writtenAt=" + writtenAt
					+ ", freshUntil=" + freshUntil + ", staleUntil=" + staleUntil + ", expiresAt=" + expiresAt);
		}
	}

	/** The status a read at {@code nowMillis} has before any load: HIT, STALE, EXPIRED, or null when gone. */
	public @Nullable SwrStatus statusAt(long nowMillis) {
		if (nowMillis < this.freshUntil) {
			return SwrStatus.HIT;
		}
		if (nowMillis < this.staleUntil) {
			return SwrStatus.STALE;
		}
		if (nowMillis < this.expiresAt) {
			return SwrStatus.EXPIRED;
		}
		return null;
	}

}
