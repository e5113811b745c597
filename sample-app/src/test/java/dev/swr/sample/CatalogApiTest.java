package dev.swr.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The catalog's HTTP contract apart from the status walk-through: errors, single flight, upstream switches. */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
// Closed after the class so its refresh threads are gone before the shutdown test counts threads.
@DirtiesContext
class CatalogApiTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private Upstream upstream;

	@AfterEach
	void restoreUpstream() {
		this.upstream.recover();
		this.upstream.latencyMs(0);
	}

	@Test
	void nonNumericIdIsABadRequestProblemNamingTheValue() throws Exception {
		this.mvc.perform(get("/products/abc"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(400))
			.andExpect(jsonPath("$.title").value("Invalid id"))
			.andExpect(jsonPath("$.detail").value(containsString("'abc'")))
			.andExpect(jsonPath("$.value").value("abc"))
			.andExpect(jsonPath("$.instance").value("/products/abc"));
	}

	@Test
	void failingUpstreamWithNothingCachedIsAServiceUnavailableProblem() throws Exception {
		long calls = this.upstream.calls();
		this.upstream.fail();
		this.mvc.perform(get("/products/{id}", 301))
			.andExpect(status().isServiceUnavailable())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.status").value(503))
			.andExpect(jsonPath("$.title").value("Upstream unavailable"))
			.andExpect(jsonPath("$.detail").value(containsString("product 301")))
			.andExpect(jsonPath("$.productId").value(301));
		assertThat(this.upstream.calls()).isEqualTo(calls + 1);

		// A failed load caches nothing: once the upstream is back the product loads.
		this.upstream.recover();
		this.mvc.perform(get("/products/{id}", 301))
			.andExpect(status().isOk())
			.andExpect(header().string("X-Cache-Status", "MISS"));
	}

	@Test
	void concurrentReadsOfAColdProductReachTheUpstreamOnce() throws Exception {
		long calls = this.upstream.calls();
		// Long enough that every request arrives while the first load is still running.
		this.upstream.latencyMs(300);
		int threads = 32;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<MvcResult>> reads = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				reads.add(pool.submit(() -> {
					start.await();
					return this.mvc.perform(get("/products/{id}", 401)).andReturn();
				}));
			}
			start.countDown();
			List<String> bodies = new ArrayList<>();
			for (Future<MvcResult> read : reads) {
				MvcResult result = read.get(10, TimeUnit.SECONDS);
				assertThat(result.getResponse().getStatus()).isEqualTo(200);
				assertThat(result.getResponse().getHeader("X-Cache-Status")).isIn("MISS", "HIT");
				bodies.add(result.getResponse().getContentAsString());
			}
			assertThat(bodies).hasSize(threads).containsOnly(bodies.get(0));
			assertThat(bodies.get(0)).contains("\"id\":401");
		}
		finally {
			pool.shutdownNow();
			assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		}
		assertThat(this.upstream.calls()).isEqualTo(calls + 1);
	}

	@Test
	void upstreamShowsCallsFailingAndLatency() throws Exception {
		long calls = this.upstream.calls();
		this.mvc.perform(get("/upstream"))
			.andExpect(status().isOk())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
			.andExpect(jsonPath("$.length()").value(3))
			.andExpect(jsonPath("$.calls").value(calls))
			.andExpect(jsonPath("$.failing").value(false))
			.andExpect(jsonPath("$.latencyMs").value(0));

		this.mvc.perform(get("/products/{id}", 501)).andExpect(status().isOk());
		this.mvc.perform(get("/products/{id}", 501)).andExpect(status().isOk());
		this.mvc.perform(get("/upstream")).andExpect(jsonPath("$.calls").value(calls + 1));
	}

	@Test
	void upstreamCountsCallsIdByIdForTrackedIdsOnly() throws Exception {
		long tracked = 9_999;
		long untracked = 10_000;
		long before = this.upstream.callsById().getOrDefault(tracked, 0L);
		this.mvc.perform(get("/products/{id}", tracked)).andExpect(status().isOk());
		this.mvc.perform(post("/products/{id}/refresh", tracked)).andExpect(status().isNoContent());
		this.mvc.perform(get("/products/{id}", tracked)).andExpect(status().isOk());
		this.mvc.perform(get("/products/{id}", untracked)).andExpect(status().isOk());

		this.mvc.perform(get("/upstream/calls-by-id"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$['9999']").value(before + 2))
			.andExpect(jsonPath("$['10000']").doesNotExist());
	}

	@Test
	void upstreamCanBeMadeToFailRecoverAndSlowDown() throws Exception {
		this.mvc.perform(post("/upstream/fail"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.failing").value(true));
		assertThat(this.upstream.failing()).isTrue();

		this.mvc.perform(post("/upstream/recover"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.failing").value(false));
		assertThat(this.upstream.failing()).isFalse();

		this.mvc.perform(post("/upstream/latency").param("ms", "250"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.latencyMs").value(250));
		this.mvc.perform(get("/upstream")).andExpect(jsonPath("$.latencyMs").value(250));
		assertThat(this.upstream.latencyMs()).isEqualTo(250);
	}

	@Test
	void negativeOrNonNumericLatencyIsABadRequestProblem() throws Exception {
		this.mvc.perform(post("/upstream/latency").param("ms", "-1"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.detail").value(containsString("-1")));
		this.mvc.perform(post("/upstream/latency").param("ms", "slow"))
			.andExpect(status().isBadRequest())
			.andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
			.andExpect(jsonPath("$.value").value("slow"));
		assertThat(this.upstream.latencyMs()).isZero();
	}

}
