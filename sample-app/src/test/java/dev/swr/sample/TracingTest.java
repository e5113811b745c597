package dev.swr.sample;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import dev.swr.core.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * With tracing on, the log line of a background refresh's upstream call carries the trace id of
 * the request that found the product stale, though it runs on a refresh thread after that request
 * was answered. Requests join the trace their W3C {@code traceparent} header names.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@AutoConfigureTracing
@Import(TestClockConfiguration.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class TracingTest {

	private static final String MISS_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String STALE_TRACE = "0af7651916cd43dd8448eb211c80319c";

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ManualClock clock;

	@Test
	void aRefreshLogsTheTraceIdOfTheRequestThatMadeItStale(CapturedOutput output) throws Exception {
		this.mvc.perform(get("/products/{id}", 515).header("traceparent", traceparent(MISS_TRACE)))
			.andExpect(status().isOk())
			.andExpect(header().string("X-Cache-Status", "MISS"));
		assertThat(upstreamCallLines(output)).singleElement()
			.satisfies((line) -> assertThat(line).contains(MISS_TRACE).doesNotContain("swr-refresh"));

		this.clock.advance(Duration.ofSeconds(11));
		this.mvc.perform(get("/products/{id}", 515).header("traceparent", traceparent(STALE_TRACE)))
			.andExpect(status().isOk())
			.andExpect(header().string("X-Cache-Status", "STALE"));
		await().atMost(Duration.ofSeconds(10)).until(() -> upstreamCallLines(output).size() == 2);
		String refresh = upstreamCallLines(output).get(1);
		assertThat(refresh).as("logged on a refresh thread, in the stale request's trace").contains("swr-refresh")
			.contains(STALE_TRACE)
			.doesNotContain(MISS_TRACE);
	}

	private static String traceparent(String traceId) {
		return "00-" + traceId + "-00f067aa0ba902b7-01";
	}

	private static List<String> upstreamCallLines(CapturedOutput output) {
		return Arrays.stream(output.getOut().split("\\R"))
			.filter((line) -> line.contains("Upstream call for product 515"))
			.toList();
	}

}
