package dev.swr.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import dev.swr.core.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The README's walk-through of categories and batch reads, over HTTP: {@code GET /products?ids=}
 * with one upstream call for its misses, {@code POST /categories/{category}/refresh} (hard and
 * soft), the Actuator's tag eviction, and what bad requests get.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
@DirtiesContext
class CategoriesAndBatchWalkThroughTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ManualClock clock;

	@Autowired
	private Upstream upstream;

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void badBatchRequestsAre400sAndNeverReachTheUpstream() throws Exception {
		long calls = this.upstream.calls();
		this.mvc.perform(get("/products").param("ids", "1,a")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.parameter").value("ids"))
			.andExpect(jsonPath("$.detail").value("'1,a' is not a valid list of ids: expected comma-separated Long values"));
		this.mvc.perform(get("/products").param("ids", "1", "a")).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.value").value("1,a"));
		this.mvc.perform(get("/products").param("ids", "1,,2")).andExpect(status().isBadRequest());
		String tooMany = String.join(",", java.util.Collections.nCopies(CatalogController.MAX_IDS + 1, "7"));
		this.mvc.perform(get("/products").param("ids", tooMany)).andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.detail").value("At most 100 ids per request, got 101"));
		this.mvc.perform(get("/products").param("ids", "")).andExpect(status().isOk())
			.andExpect(jsonPath("$.length()").value(0));
		this.mvc.perform(post("/categories/{category}/refresh", "food")).andExpect(status().isNotFound());
		this.mvc.perform(delete("/actuator/swr/{cache}/tags/{tag}", "unknown", "books"))
			.andExpect(status().isNotFound());
		this.mvc.perform(delete("/actuator/swr/{cache}/labels/{tag}", "products", "books"))
			.andExpect(status().isNotFound());
		assertThat(this.upstream.calls()).isEqualTo(calls);
	}

	@Test
	// Its failures open the cache's breaker (4 calls, 50 %): the other tests get a context of their own.
	@DirtiesContext(methodMode = DirtiesContext.MethodMode.AFTER_METHOD)
	void aFailingUpstreamFailsOnlyABatchWithNothingCachedAndServesOldValuesOtherwise() throws Exception {
		read("601,602");
		this.clock.advance(Duration.ofMinutes(2));
		this.upstream.fail();
		try {
			Batch fallback = read("601,602");
			assertThat(fallback.status()).isEqualTo("FALLBACK");
			this.mvc.perform(get("/products").param("ids", "601,699")).andExpect(status().isServiceUnavailable());
		}
		finally {
			this.upstream.recover();
		}
	}

	// ---- the walk-through ------------------------------------------------------------------

	@Test
	void aBatchLoadsItsMissesWithOneUpstreamCallAndCategoriesAreEvictedByTag() throws Exception {
		long calls = this.upstream.calls();
		// 201 books, 202 music, 203 games, 204 books (id % 3).
		Batch first = read("201,202,203");
		assertThat(first.status()).isEqualTo("MISS");
		assertThat(first.body()).contains("\"id\":201").contains("\"category\":\"books\"")
			.contains("\"category\":\"music\"");
		assertThat(first.body().indexOf("\"id\":201")).isLessThan(first.body().indexOf("\"id\":203"));
		assertThat(this.upstream.calls()).isEqualTo(calls + 1);

		Batch second = read("203,204,201,203");
		assertThat(second.status()).as("the worst of HIT, MISS, HIT").isEqualTo("MISS");
		assertThat(second.body().split("\"id\":")).hasSize(5);
		assertThat(this.upstream.calls()).isEqualTo(calls + 2);
		assertThat(this.upstream.callsById()).containsEntry(204L, 1L).containsEntry(203L, 1L);

		assertThat(read("201,204").status()).isEqualTo("HIT");
		this.mvc.perform(get("/products/{id}", 202)).andExpect(status().isOk());
		assertThat(this.upstream.calls()).as("one cache for single and batch reads").isEqualTo(calls + 2);

		// A category's products are forgotten everywhere: the next read of 202 loads it, alone.
		this.mvc.perform(post("/categories/{category}/refresh", "music")).andExpect(status().isNoContent());
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read("201,202").status()).isEqualTo("MISS");
		assertThat(this.upstream.calls()).isEqualTo(calls + 3);
		assertThat(this.upstream.callsById()).containsEntry(202L, 2L).containsEntry(201L, 1L);

		// Soft: books are served stale at once and refreshed by one background call.
		this.mvc.perform(post("/categories/{category}/refresh", "books").param("soft", "true"))
			.andExpect(status().isNoContent());
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read("201,204,203").status()).isEqualTo("STALE");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.upstream.calls() == calls + 4);
		assertThat(read("201,204,203").status()).isEqualTo("HIT");
		assertThat(this.upstream.callsById()).containsEntry(201L, 2L).containsEntry(204L, 2L).containsEntry(203L, 1L);

		// The operator's way: the Actuator, which never shows a value.
		this.mvc.perform(delete("/actuator/swr/{cache}/tags/{tag}", "products", "games"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.cache").value("products"))
			.andExpect(jsonPath("$.tag").value("games"))
			.andExpect(jsonPath("$.soft").value(false));
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read("203").status()).isEqualTo("MISS");
		assertThat(read("201,204,203").status()).isEqualTo("HIT");
	}

	private Batch read(String ids) throws Exception {
		MvcResult result = this.mvc.perform(get("/products").param("ids", ids)).andReturn();
		assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString()).isEqualTo(200);
		return new Batch(result.getResponse().getHeader("X-Cache-Status"), result.getResponse().getContentAsString());
	}

	private record Batch(String status, String body) {
	}

}
