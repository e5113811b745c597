package dev.swr.core;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The refresh pause of one key after consecutive failures: {@code base}, doubling per failure, at
 * most {@code max}.
 *
 * @param failures consecutive failed refreshes
 * @param until no refresh of the key before this instant (epoch millis)
 */
record KeyBackoff(int failures, long until) {

	static KeyBackoff after(@Nullable KeyBackoff previous, long now, Duration base, Duration max) {
		int failures = (previous != null) ? previous.failures + 1 : 1;
		return new KeyBackoff(failures, now + pause(failures, base.toMillis(), max.toMillis()));
	}

	static long pause(int failures, long baseMillis, long maxMillis) {
		int doublings = Math.min(failures - 1, 62);
		long pause = baseMillis;
		for (int i = 0; i < doublings && pause < maxMillis; i++) {
			pause = (pause > maxMillis / 2) ? maxMillis : pause * 2;
		}
		return Math.min(pause, maxMillis);
	}

}
