package dev.swr.sample;

import dev.swr.core.ManualClock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The demo of the README, over HTTP: one product through every status, with the windows of
 * {@code application.yml} (fresh 10s, stale 1m, expired 10m, expired-wait 500ms) and a clock the
 * test moves.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
// Closed after the class so its refresh threads are gone before the shutdown test counts threads.
@DirtiesContext
class ProductStatusWalkThroughTest {

	private static final long ID = 101;

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ManualClock clock;

	@Autowired
	private Upstream upstream;

	@Test
	void oneProductPassesThroughEveryStatus() throws Exception {
		long calls = this.upstream.calls();
		Instant firstFetch = this.clock.instant();

		Read miss = read();
		assertThat(miss.status()).isEqualTo("MISS");
		assertThat(miss.cacheStatus()).isEqualTo("swr; fwd=miss; stored");
		assertThat(miss.body()).contains("\"id\":" + ID).contains("\"name\":\"Product " + ID + "\"")
			.contains(fetchedAt(firstFetch));
		assertThat(this.upstream.calls()).isEqualTo(calls + 1);

		Read hit = read();
		assertThat(hit.status()).isEqualTo("HIT");
		// Fresh for 10s less up to 10% jitter: 9 or 8 whole seconds left.
		assertThat(hit.cacheStatus()).matches("swr; hit; ttl=[89]");
		assertThat(hit.body()).isEqualTo(miss.body());
		assertThat(this.upstream.calls()).isEqualTo(calls + 1);

		// Past fresh (10s, less up to 10% jitter): the old product at once, one refresh behind it.
		this.clock.advance(Duration.ofSeconds(11));
		Instant secondFetch = this.clock.instant();
		Read stale = read();
		assertThat(stale.status()).isEqualTo("STALE");
		assertThat(stale.cacheStatus()).matches("swr; hit; ttl=-[12]; detail=stale");
		assertThat(stale.body()).isEqualTo(miss.body());
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			Read refreshed = read();
			assertThat(refreshed.status()).isEqualTo("HIT");
			assertThat(refreshed.body()).contains(fetchedAt(secondFetch));
		});
		assertThat(this.upstream.calls()).isEqualTo(calls + 2);
		String refreshedBody = read().body();

		// Past stale: an expired product is served only when the upstream fails...
		this.clock.advance(Duration.ofMinutes(2));
		this.upstream.fail();
		Read fallback = read();
		assertThat(fallback.status()).isEqualTo("FALLBACK");
		assertThat(fallback.cacheStatus()).matches("swr; hit; ttl=-1[12][0-9]; detail=fallback");
		assertThat(fallback.body()).isEqualTo(refreshedBody);
		assertThat(this.upstream.calls()).isEqualTo(calls + 3);

		// ...or is slower than expired-wait (500ms); past the failure backoff (1s) it is tried again.
		this.upstream.latencyMs(1500);
		this.upstream.recover();
		this.clock.advance(Duration.ofSeconds(5));
		Instant thirdFetch = this.clock.instant();
		Read expired = read();
		assertThat(expired.status()).isEqualTo("EXPIRED");
		assertThat(expired.cacheStatus()).matches("swr; hit; ttl=-1[12][0-9]; detail=expired");
		assertThat(expired.body()).isEqualTo(refreshedBody);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			Read refreshed = read();
			assertThat(refreshed.status()).isEqualTo("HIT");
			assertThat(refreshed.body()).contains(fetchedAt(thirdFetch));
		});
		assertThat(this.upstream.calls()).isEqualTo(calls + 4);

		// An explicit refresh forgets the product: the next read loads it.
		this.upstream.latencyMs(0);
		this.mvc.perform(post("/products/{id}/refresh", ID)).andExpect(status().isNoContent());
		Read afterEvict = read();
		assertThat(afterEvict.status()).isEqualTo("MISS");
		assertThat(this.upstream.calls()).isEqualTo(calls + 5);
		assertThat(read().status()).isEqualTo("HIT");
	}

	private Read read() throws Exception {
		MvcResult result = this.mvc.perform(get("/products/{id}", ID)).andExpect(status().isOk()).andReturn();
		return new Read(result.getResponse().getHeader("X-Cache-Status"), result.getResponse().getHeader("Cache-Status"),
				result.getResponse().getContentAsString());
	}

	private static String fetchedAt(Instant instant) {
		return "\"fetchedAt\":\"" + instant + "\"";
	}

	private record Read(String status, String cacheStatus, String body) {
	}

}
