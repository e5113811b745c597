package dev.swr.sample;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.hasItem;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** The Actuator endpoints the sample exposes to watch the cache from outside. */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
// Closed after the class so its refresh threads are gone before the shutdown test counts threads.
@DirtiesContext
class ActuatorTest {

	@Autowired
	private MockMvc mvc;

	@Test
	void healthIsUp() throws Exception {
		this.mvc.perform(get("/actuator/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
	}

	@Test
	void metricsAreExposed() throws Exception {
		this.mvc.perform(get("/actuator/metrics"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.names").value(hasItem("jvm.memory.used")));
	}

}
