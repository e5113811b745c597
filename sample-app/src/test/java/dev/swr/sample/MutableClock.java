package dev.swr.sample;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the tests move by hand; it replaces the library's clock through the {@code swrClock} name. */
final class MutableClock implements InstantSource {

	private final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-25T10:00:00Z").toEpochMilli());

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
