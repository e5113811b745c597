package dev.swr.core;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when a test advances it. */
final class FakeClock implements InstantSource {

	private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

	@Override
	public long millis() {
		return this.millis.get();
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

	void advance(Duration duration) {
		this.millis.addAndGet(duration.toMillis());
	}

}
