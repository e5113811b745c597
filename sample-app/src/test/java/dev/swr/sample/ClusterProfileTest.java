package dev.swr.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import dev.swr.spring.redis.RedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The {@code cluster} profile against a local Redis Cluster of real processes (three primaries,
 * three replicas): products cached in Redis across the primaries, seen and cleared through Actuator.
 * Skipped without {@code redis-server} and {@code redis-cli}, unless {@code SWR_REQUIRE_REDIS=true}.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@ActiveProfiles("cluster")
@AutoConfigureMockMvc
@DirtiesContext
class ClusterProfileTest {

	private static RedisCluster cluster;

	@Autowired
	private MockMvc mvc;

	@DynamicPropertySource
	static void clusterNodes(DynamicPropertyRegistry registry) throws Exception {
		cluster = RedisCluster.start();
		registry.add("spring.data.redis.cluster.nodes", cluster::nodesProperty);
	}

	@AfterAll
	static void stopCluster() throws Exception {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void productsAreCachedOnTheClusterAndTheEndpointAndHealthShowTheStore() throws Exception {
		for (int id = 1; id <= 30; id++) {
			this.mvc.perform(get("/products/{id}", id)).andExpect(header().string("X-Cache-Status", "MISS"));
			this.mvc.perform(get("/products/{id}", id)).andExpect(header().string("X-Cache-Status", "HIT"));
		}
		assertThat(cluster.keysPerPrimary("swr-sample:products::*")).as("products on every primary")
			.hasSize(3)
			.allSatisfy((port, keys) -> assertThat(keys).isPositive());

		this.mvc.perform(get("/actuator/swr/products"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.store").value("tiered"));
		this.mvc.perform(get("/actuator/health"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.components.swr.details.caches.products.reachable").value(true));

		this.mvc.perform(delete("/actuator/swr/products")).andExpect(status().isNoContent());
		assertThat(cluster.keysPerPrimary("swr-sample:products::*")).allSatisfy((port, keys) -> assertThat(keys).isZero());
		this.mvc.perform(get("/products/{id}", 1)).andExpect(header().string("X-Cache-Status", "MISS"));
	}

}
