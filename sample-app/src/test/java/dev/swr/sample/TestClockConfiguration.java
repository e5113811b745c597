package dev.swr.sample;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/** Puts a {@link MutableClock} in place of the library's clock, so windows pass without sleeping. */
@TestConfiguration(proxyBeanMethods = false)
class TestClockConfiguration {

	@Bean
	MutableClock swrClock() {
		return new MutableClock();
	}

}
