package dev.swr.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.swr.core.ManualClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The Grafana dashboard in {@code docs/grafana} queries only what the sample's
 * {@code /actuator/prometheus} exposes: every metric it names, with every label it filters or
 * groups by, after a little traffic.
 */
@SpringBootTest(properties = "sample.upstream.latency-ms=0")
@AutoConfigureMockMvc
@Import(TestClockConfiguration.class)
@DirtiesContext
class GrafanaDashboardTest {

	private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "swr-dashboard.json");

	private static final Pattern METRIC = Pattern.compile("\\b((?:swr|resilience4j)_[a-z_]+)\\b");

	private static final Pattern SELECTOR = Pattern.compile("\\b((?:swr|resilience4j)_[a-z_]+)\\{([^}]*)}");

	private static final Pattern LABEL = Pattern.compile("([a-z_]+)\\s*(?:=~|!=|!~|=)");

	private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)\\s*\\((?:rate\\()?((?:swr|resilience4j)_[a-z_]+)");

	@Autowired
	private MockMvc mvc;

	@Autowired
	private ManualClock clock;

	@Test
	void everyMetricAndLabelTheDashboardQueriesIsExposed() throws Exception {
		this.mvc.perform(get("/products/{id}", 901)).andExpect(status().isOk());
		this.mvc.perform(get("/products/{id}", 901)).andExpect(status().isOk());
		this.clock.advance(Duration.ofSeconds(11));
		this.mvc.perform(get("/products/{id}", 901)).andExpect(status().isOk());
		String scrape = this.mvc.perform(get("/actuator/prometheus")).andExpect(status().isOk())
			.andReturn().getResponse().getContentAsString();

		List<String> expressions = expressions();
		assertThat(expressions).hasSizeGreaterThanOrEqualTo(9);
		Set<String> checked = new LinkedHashSet<>();
		for (String expression : expressions) {
			Matcher metrics = METRIC.matcher(expression);
			while (metrics.find()) {
				String metric = metrics.group(1);
				assertThat(samples(scrape, metric)).as("%s, queried by %s", metric, expression).isNotEmpty();
				checked.add(metric);
			}
			Matcher selectors = SELECTOR.matcher(expression);
			while (selectors.find()) {
				Matcher labels = LABEL.matcher(selectors.group(2));
				while (labels.find()) {
					assertLabel(scrape, selectors.group(1), labels.group(1), expression);
				}
			}
			Matcher groupings = BY.matcher(expression);
			while (groupings.find()) {
				for (String label : groupings.group(1).split(",")) {
					assertLabel(scrape, groupings.group(2), label.trim(), expression);
				}
			}
		}
		assertThat(checked).contains("swr_gets_total", "swr_loads_seconds_count", "swr_refreshes_skipped_total",
				"swr_store_errors_total", "resilience4j_circuitbreaker_state");
	}

	private static void assertLabel(String scrape, String metric, String label, String expression) {
		assertThat(samples(scrape, metric)).as("label %s of %s, queried by %s", label, metric, expression)
			.anyMatch((sample) -> sample.contains(label + "=\""));
	}

	private static List<String> samples(String scrape, String metric) {
		return scrape.lines().filter((line) -> line.startsWith(metric + "{") || line.startsWith(metric + " ")).toList();
	}

	private static List<String> expressions() throws Exception {
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			for (JsonNode target : panel.get("targets")) {
				expressions.add(target.get("expr").asString());
			}
		}
		return expressions;
	}

}
