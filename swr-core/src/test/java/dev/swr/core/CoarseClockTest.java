package dev.swr.core;

import java.time.Duration;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The coarse clock's ticker: it moves, tracks the system clock, and stops on close. */
class CoarseClockTest {

	private static final Duration PATIENCE = Duration.ofSeconds(5);

	private final Set<Thread> before = Callers.liveThreadsNamed("swr-clock");

	private final CoarseClock clock = CoarseClock.start();

	@AfterEach
	void close() {
		this.clock.close();
	}

	@Test
	void itAdvancesOnItsOwn() {
		long first = this.clock.millis();
		await().atMost(PATIENCE).until(() -> this.clock.millis() > first);
	}

	@Test
	void itStaysWithinAFewMillisecondsOfTheSystemClockAndNeverAheadOfIt() {
		// Retried, so one descheduled tick on a busy machine does not fail the test.
		await().atMost(PATIENCE).untilAsserted(() -> {
			long systemBefore = System.currentTimeMillis();
			long coarse = this.clock.millis();
			long systemAfter = System.currentTimeMillis();
			assertThat(coarse).isBetween(systemBefore - 5, systemAfter);
		});
	}

	@Test
	void itsInstantIsItsMillis() {
		long before = this.clock.millis();
		long instant = this.clock.instant().toEpochMilli();
		assertThat(instant).isGreaterThanOrEqualTo(before);
		assertThat(instant).isLessThanOrEqualTo(this.clock.millis());
	}

	@Test
	void closeStopsItsTickerThreadAndItThenReadsTheSystemClock() {
		Set<Thread> tickers = Callers.newLiveThreadsNamed("swr-clock", this.before);
		assertThat(tickers).as("this clock's ticker").hasSize(1);
		Thread ticker = tickers.iterator().next();
		assertThat(ticker.isDaemon()).isTrue();

		this.clock.close();

		await().atMost(PATIENCE).until(() -> !ticker.isAlive());
		long systemBefore = System.currentTimeMillis();
		long coarse = this.clock.millis();
		assertThat(coarse).isBetween(systemBefore, System.currentTimeMillis());
	}

}
