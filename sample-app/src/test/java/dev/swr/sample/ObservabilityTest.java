package dev.swr.sample;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import dev.swr.core.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What an operator sees from the sample app alone: {@code /actuator/swr} and its two DELETEs,
 * {@code swr_gets_total} in {@code /actuator/prometheus}, and the breaker through an outage and its
 * recovery. The breaker reads the test's clock, so its open state passes without sleeping.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
// Each test starts with closed breakers and zero counts; closed so no refresh thread outlives it.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ObservabilityTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private Upstream upstream;

	@Autowired
	private ManualClock clock;

	@AfterEach
	void restoreUpstream() {
		this.upstream.recover();
	}

	@Test
	void swrEndpointShowsTheProductsCacheWithCountsPolicyAndBreakerButNoValues() throws Exception {
		this.mvc.perform(get("/products/1")).andExpect(header().string("X-Cache-Status", "MISS"));
		this.mvc.perform(get("/products/1")).andExpect(header().string("X-Cache-Status", "HIT"));

		this.mvc.perform(get("/actuator/swr"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.caches.products.store").value("memory"))
			.andExpect(jsonPath("$.caches.products.size").value(1))
			.andExpect(jsonPath("$.caches.products.policy.fresh").value("PT10S"))
			.andExpect(jsonPath("$.caches.products.policy.stale").value("PT1M"))
			.andExpect(jsonPath("$.caches.products.gets.miss").value(1))
			.andExpect(jsonPath("$.caches.products.gets.hit").value(1))
			.andExpect(jsonPath("$.caches.products.loads.miss.success").value(1))
			.andExpect(jsonPath("$.caches.products.skips.circuit_open").value(0))
			.andExpect(jsonPath("$.caches.products.circuitBreaker.state").value("CLOSED"))
			.andExpect(content().string(not(containsString("Product 1"))));
		this.mvc.perform(get("/actuator/swr/products")).andExpect(status().isOk())
			.andExpect(jsonPath("$.name").value("products"));
		this.mvc.perform(get("/actuator/swr/nope")).andExpect(status().isNotFound());
	}

	@Test
	void deleteEvictsOneKeyConvertedToTheCachesLongKeysAndThenClearsTheCache() throws Exception {
		this.mvc.perform(get("/products/1"));
		this.mvc.perform(get("/products/2"));

		this.mvc.perform(delete("/actuator/swr/products/1"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.keyType").value("java.lang.Long"))
			.andExpect(jsonPath("$.present").value(true));
		this.mvc.perform(get("/products/1")).andExpect(header().string("X-Cache-Status", "MISS"));
		this.mvc.perform(get("/products/2")).andExpect(header().string("X-Cache-Status", "HIT"));
		this.mvc.perform(delete("/actuator/swr/products/abc")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("Key 'abc' of cache 'products' is not a Long"));

		this.mvc.perform(delete("/actuator/swr/products")).andExpect(status().isNoContent());
		this.mvc.perform(get("/actuator/swr/products")).andExpect(jsonPath("$.size").value(0));
		this.mvc.perform(get("/products/2")).andExpect(header().string("X-Cache-Status", "MISS"));
		this.mvc.perform(delete("/actuator/swr/nope")).andExpect(status().isNotFound());
		this.mvc.perform(delete("/actuator/swr/nope/1")).andExpect(status().isNotFound());
	}

	@Test
	void prometheusShowsSwrGetsPerStatus() throws Exception {
		this.mvc.perform(get("/products/7"));
		this.mvc.perform(get("/products/7"));
		this.mvc.perform(get("/products/7"));
		this.clock.advance(Duration.ofSeconds(10));
		this.mvc.perform(get("/products/7")).andExpect(header().string("X-Cache-Status", "STALE"));

		String scrape = this.mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
			.andReturn().getResponse().getContentAsString();
		assertThat(sample(scrape, "swr_gets_total", "status=\"hit\"")).isEqualTo(2);
		assertThat(sample(scrape, "swr_gets_total", "status=\"miss\"")).isEqualTo(1);
		assertThat(sample(scrape, "swr_gets_total", "status=\"stale\"")).isEqualTo(1);
		assertThat(sample(scrape, "cache_gets_total", "result=\"hit\"")).isEqualTo(3);
		assertThat(scrape).contains("swr_loads_seconds_count{cache=\"products\",outcome=\"success\",trigger=\"miss\"}")
			.contains("swr_refreshes_active")
			.contains("resilience4j_circuitbreaker_state{name=\"products\",state=\"closed\"} 1.0");
	}

	@Test
	void anOutageOpensTheBreakerWhichServesWhatIsCachedAndRecoversThroughHalfOpen() throws Exception {
		this.mvc.perform(get("/products/1")).andExpect(header().string("X-Cache-Status", "MISS"));
		this.clock.advance(Duration.ofMinutes(2));
		this.mvc.perform(post("/upstream/fail"));

		// With the first load, four calls (minimum-number-of-calls), three failed: 75% >= 50% opens it.
		for (int id = 100; id < 103; id++) {
			this.mvc.perform(get("/products/" + id))
				.andExpect(status().isServiceUnavailable())
				.andExpect(jsonPath("$.productId").value(id));
		}
		long callsWhenOpened = this.upstream.calls();
		this.mvc.perform(get("/products/104"))
			.andExpect(status().isServiceUnavailable())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.title").value("Upstream unavailable"))
			.andExpect(jsonPath("$.cache").value("products"))
			.andExpect(jsonPath("$.circuitBreaker").value("OPEN"))
			// The breaker's wait in the open state (application.yml): it cannot be open for longer.
			.andExpect(header().string("Retry-After", "15"));
		this.mvc.perform(get("/products/1")).andExpect(status().isOk())
			.andExpect(header().string("X-Cache-Status", "FALLBACK"));
		assertThat(this.upstream.calls()).as("nothing reaches the upstream while open").isEqualTo(callsWhenOpened);

		this.mvc.perform(get("/actuator/swr/products"))
			.andExpect(jsonPath("$.circuitBreaker.state").value("OPEN"))
			.andExpect(jsonPath("$.skips.circuit_open").value(2));
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.status").value("UP"))
			.andExpect(jsonPath("$.components.swr.status").value("UP"))
			.andExpect(jsonPath("$.components.swr.details.caches.products.circuitBreaker").value("OPEN"));
		assertThat(this.mvc.perform(get("/actuator/prometheus")).andReturn().getResponse().getContentAsString())
			.contains("resilience4j_circuitbreaker_state{name=\"products\",state=\"open\"} 1.0");

		this.mvc.perform(post("/upstream/recover"));
		this.clock.advance(Duration.ofSeconds(15).plusMillis(1));
		// Three trial loads (permitted-calls-in-half-open-state) close it again.
		for (int id = 200; id < 203; id++) {
			this.mvc.perform(get("/products/" + id)).andExpect(status().isOk());
		}
		this.mvc.perform(get("/actuator/swr/products")).andExpect(jsonPath("$.circuitBreaker.state").value("CLOSED"));
		this.mvc.perform(get("/actuator/health"))
			.andExpect(jsonPath("$.components.swr.details.caches.products.circuitBreaker").value("CLOSED"));
	}

	private static double sample(String scrape, String name, String tag) {
		Matcher matcher = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE).matcher(scrape);
		while (matcher.find()) {
			if (matcher.group(1).contains("cache=\"products\"") && matcher.group(1).contains(tag)) {
				return Double.parseDouble(matcher.group(2));
			}
		}
		throw new AssertionError("No " + name + " sample with " + tag + " in:\n" + scrape);
	}

}
