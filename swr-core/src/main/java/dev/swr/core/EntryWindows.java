package dev.swr.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The three consecutive windows of an entry's life, counted from the moment it was written:
 * {@code writtenAt ─fresh→ freshUntil ─stale→ staleUntil ─expired→ expiresAt}. Each window is
 * strictly positive.
 *
 * @param fresh how long an entry is served as a {@link SwrStatus#HIT}
 * @param stale how long after that it is served as {@link SwrStatus#STALE} while it is refreshed
 * @param expired how long after that it is kept as a fallback for a failing or slow source
 */
public record EntryWindows(Duration fresh, Duration stale, Duration expired) {

	/**
	 * Validates the windows.
	 * @throws IllegalArgumentException if a window is null, zero or negative, naming the window
	 */
	public EntryWindows {
		requirePositive("fresh", fresh);
		requirePositive("stale", stale);
		requirePositive("expired", expired);
	}

	/** Windows from three durations; see the record's description. */
	public static EntryWindows of(Duration fresh, Duration stale, Duration expired) {
		return new EntryWindows(fresh, stale, expired);
	}

	/** The whole life of an entry: {@code fresh + stale + expired}. */
	public Duration total() {
		return this.fresh.plus(this.stale).plus(this.expired);
	}

	static Duration requirePositive(String name, Duration value) {
		if (value == null) {
			throw new IllegalArgumentException("'" + name + "' must be set");
		}
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("'" + name + "' must be positive but was " + value);
		}
		return value;
	}

	static Duration requireNotNegative(String name, Duration value) {
		Objects.requireNonNull(value, () -> "'" + name + "' must be set");
		if (value.isNegative()) {
			throw new IllegalArgumentException("'" + name + "' must not be negative but was " + value);
		}
		return value;
	}

}
