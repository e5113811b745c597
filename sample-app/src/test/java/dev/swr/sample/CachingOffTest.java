package dev.swr.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** With {@code swr.enabled=false} the sample still runs, and every read reaches the upstream. */
@SpringBootTest(properties = { "swr.enabled=false", "sample.upstream.latency-ms=0" })
@AutoConfigureMockMvc
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class CachingOffTest {

	@Autowired
	private MockMvc mvc;

	@Autowired
	private Upstream upstream;

	@Autowired
	private org.springframework.context.ApplicationContext context;

	@Test
	void everyReadReachesTheUpstreamAndCarriesNoCacheStatus() throws Exception {
		assertThat(this.context.getBeansOfType(SwrCacheManager.class)).isEmpty();
		long before = this.upstream.calls();
		this.mvc.perform(get("/products/5")).andExpect(status().isOk()).andExpect(header().doesNotExist("X-Cache-Status"));
		this.mvc.perform(get("/products/5")).andExpect(status().isOk());
		this.mvc.perform(post("/products/5/refresh")).andExpect(status().is2xxSuccessful());
		assertThat(this.upstream.calls()).isEqualTo(before + 2);
	}

}
