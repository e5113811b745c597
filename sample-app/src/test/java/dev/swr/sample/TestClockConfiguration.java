package dev.swr.sample;

import dev.swr.core.ManualClock;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Puts a {@link ManualClock} in place of the library's clock, so windows pass without sleeping. */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {

	@Bean
	ManualClock swrClock() {
		return new ManualClock(java.time.Instant.parse("2026-11-25T10:00:00Z"));
	}

}
