package dev.swr.sample;

import dev.swr.core.ManualClock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.swr.core.SwrStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Closing the application while a refresh is running leaves none of the library's threads behind. */
class ShutdownTest {

	@Test
	void closingTheContextDuringARefreshStopsEverySwrThread() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class,
				TestClockConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties("sample.upstream.latency-ms=0", "swr.refresh.shutdown-timeout=100ms")
			.run();
		try {
			ProductService products = context.getBean(ProductService.class);
			Upstream upstream = context.getBean(Upstream.class);
			ManualClock clock = context.getBean(ManualClock.class);

			products.find(1);
			// A refresh that would run for a minute unless interrupted.
			upstream.latencyMs(60_000);
			clock.advance(Duration.ofSeconds(11));
			products.find(1);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
			await().atMost(Duration.ofSeconds(5)).until(() -> upstream.calls() == 2);
			assertThat(swrThreads()).isNotEmpty();
		}
		finally {
			context.close();
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(swrThreads()).isEmpty());
	}

	private static List<String> swrThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith("swr-"))
			.toList();
	}

}
