package dev.swr.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests of code that caches: register it as the
 * {@code swrClock} bean (or pass it to {@link SwrEngine.Builder#clock}) and {@link #advance} it to
 * make entries stale or expired without waiting.
 */
public final class ManualClock implements InstantSource {

	private final AtomicLong millis;

	/** A clock at 2023-11-14T22:13:20Z, a fixed instant so test output is stable. */
	public ManualClock() {
		this(Instant.ofEpochMilli(1_700_000_000_000L));
	}

	/** A clock at {@code start}. */
	public ManualClock(Instant start) {
		this.millis = new AtomicLong(start.toEpochMilli());
	}

	@Override
	public long millis() {
		return this.millis.get();
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

	/**
	 * Moves the clock forward by {@code duration}.
	 * @throws IllegalArgumentException if {@code duration} is negative
	 */
	public void advance(Duration duration) {
		if (duration.isNegative()) {
			throw new IllegalArgumentException("A clock only moves forward, but 'duration' was " + duration);
		}
		this.millis.addAndGet(duration.toMillis());
	}

}
