package dev.swr.sample;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.swr.core.SwrCircuitOpenException;
import dev.swr.core.SwrLoadRejectedException;
import dev.swr.core.SwrLoadTimeoutException;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * How the catalog answers when its cache cannot serve a product it has no copy of: 503 problem
 * details with {@code Retry-After}, for each exception the cache throws. A controller of the test
 * throws them, so the mapping is checked without needing a source slow or broken enough to cause
 * them ({@code SlowUpstreamTest} does that end to end).
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import({ TestClockConfiguration.class, ColdLoadErrorsTest.ThrowingController.class })
// Closed after the class so its refresh threads are gone before the shutdown test counts threads.
@DirtiesContext
class ColdLoadErrorsTest {

	@Autowired
	private MockMvc mvc;

	@Test
	void aColdLoadThatTimedOutIsAServiceUnavailableProblemRetriedAfterTheMissTimeout() throws Exception {
		expectServiceUnavailable("/errors/timeout?ms=5000", "5")
			.andExpect(jsonPath("$.title").value("Upstream too slow"))
			.andExpect(jsonPath("$.detail").value(containsString("miss-timeout of PT5S")))
			.andExpect(jsonPath("$.cache").value("products"))
			.andExpect(jsonPath("$.key").value("42"));
	}

	@Test
	void retryAfterOfATimeoutIsTheMissTimeoutRoundedUpToWholeSecondsAndAtLeastOne() throws Exception {
		expectServiceUnavailable("/errors/timeout?ms=1500", "2");
		expectServiceUnavailable("/errors/timeout?ms=200", "1");
		expectServiceUnavailable("/errors/timeout?ms=0", "1");
	}

	@Test
	void aRejectedColdLoadIsAServiceUnavailableProblemRetriedAfterOneSecond() throws Exception {
		expectServiceUnavailable("/errors/rejected", "1")
			.andExpect(jsonPath("$.title").value("Too many products loading"))
			.andExpect(jsonPath("$.detail").value(containsString("max-concurrent-misses of 32")))
			.andExpect(jsonPath("$.cache").value("products"))
			.andExpect(jsonPath("$.key").value("43"));
	}

	@Test
	void anOpenBreakerIsRetriedAfterItsWaitInTheOpenState() throws Exception {
		// swr.circuit-breaker.wait-duration-in-open-state in the sample's application.yml.
		expectServiceUnavailable("/errors/circuit-open?state=OPEN", "15")
			.andExpect(jsonPath("$.title").value("Upstream unavailable"))
			.andExpect(jsonPath("$.cache").value("products"))
			.andExpect(jsonPath("$.key").value("44"))
			.andExpect(jsonPath("$.circuitBreaker").value("OPEN"));
	}

	@Test
	void aHalfOpenBreakerWithEveryTrialLoadTakenIsRetriedSoon() throws Exception {
		expectServiceUnavailable("/errors/circuit-open?state=HALF_OPEN", "1")
			.andExpect(jsonPath("$.circuitBreaker").value("HALF_OPEN"));
	}

	private ResultActions expectServiceUnavailable(String path, String retryAfter) throws Exception {
		return this.mvc.perform(get(path))
			.andExpect(status().isServiceUnavailable())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(header().string("Retry-After", retryAfter))
			.andExpect(jsonPath("$.status").value(503))
			.andExpect(jsonPath("$.instance").value(path.replaceAll("\\?.*", "")));
	}

	/** Throws what the products cache throws to a caller it cannot serve. */
	@RestController
	static class ThrowingController {

		@GetMapping("/errors/timeout")
		Product timeout(@RequestParam long ms) {
			throw new SwrLoadTimeoutException("products", 42L, Duration.ofMillis(ms));
		}

		@GetMapping("/errors/rejected")
		Product rejected() {
			throw new SwrLoadRejectedException("products", 43L, 32);
		}

		@GetMapping("/errors/circuit-open")
		Product circuitOpen(@RequestParam CircuitBreaker.State state) {
			throw new SwrCircuitOpenException("products", 44L, "products", state);
		}

	}

}
