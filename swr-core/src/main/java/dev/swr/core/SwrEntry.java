package dev.swr.core;

import java.util.List;

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
 * @param tags the entry's tags, which {@link SwrCache#evictByTag} evicts by; empty for most entries
 * @param <V> the value type
 */
public record SwrEntry<V>(@Nullable V value, long writtenAt, long freshUntil, long staleUntil, long expiresAt,
		List<String> tags) {

	/**
	 * Validates that the instants are in order, and copies the tags.
	 * @throws IllegalArgumentException if {@code writtenAt <= freshUntil <= staleUntil <= expiresAt} does
	 * not hold, or a tag is null
	 */
	public SwrEntry {
		if (!(writtenAt <= freshUntil && freshUntil <= staleUntil && staleUntil <= expiresAt)) {
			throw new IllegalArgumentException("Entry instants out of order: writtenAt=" + writtenAt
					+ ", freshUntil=" + freshUntil + ", staleUntil=" + staleUntil + ", expiresAt=" + expiresAt);
		}
		if (tags == null) {
			throw new IllegalArgumentException("'tags' must not be null; an untagged entry has an empty list");
		}
		tags = List.copyOf(tags);
	}

	/**
	 * An untagged entry.
	 * @param value the cached value; {@code null} when a null result was cached
	 * @param writtenAt when the value was written
	 * @param freshUntil end of the fresh window (exclusive)
	 * @param staleUntil end of the stale window (exclusive)
	 * @param expiresAt end of the expired window
	 */
	public SwrEntry(@Nullable V value, long writtenAt, long freshUntil, long staleUntil, long expiresAt) {
		this(value, writtenAt, freshUntil, staleUntil, expiresAt, List.of());
	}

	/** This entry with its fresh window ended at {@code nowMillis}, as a soft eviction of one of its tags leaves it. */
	SwrEntry<V> staleFrom(long nowMillis) {
		long freshEnd = Math.max(this.writtenAt, Math.min(this.freshUntil, nowMillis));
		return (freshEnd == this.freshUntil) ? this
				: new SwrEntry<>(this.value, this.writtenAt, freshEnd, Math.max(freshEnd, this.staleUntil),
						this.expiresAt, this.tags);
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
