package dev.swr.benchmarks.soak;

import java.io.File;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample jar, built with Boot's {@code process-aot}, run with {@code -Dspring.aot.enabled=true}:
 * it starts from the generated bean definitions and passes the HTTP walk-through (statuses,
 * {@code Cache-Status}, batch reads, a category evicted by tag, the Actuator).
 */
class AotWalkThroughTest {

	@Test
	void theAotProcessedSampleAnswersTheWalkThrough() throws Exception {
		File log = new File("target/aot-walk-through.log");
		log.getParentFile().mkdirs();
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		try (SampleInstance app = SampleInstance.start("aot", SampleJar.find(),
				List.of("-Dspring.aot.enabled=true", "-Xmx256m"), List.of("--sample.upstream.latency-ms=0"), log, http)) {
			assertThat(Files.readString(log.toPath())).contains("Starting AOT-processed SampleApplication");

			HttpResponse<String> miss = app.send("GET", "/products/7");
			assertThat(miss.statusCode()).isEqualTo(200);
			assertThat(miss.headers().firstValue("X-Cache-Status")).hasValue("MISS");
			assertThat(miss.headers().firstValue("Cache-Status")).hasValue("swr; fwd=miss; stored");
			assertThat(miss.body()).contains("\"category\":\"music\"");
			HttpResponse<String> hit = app.send("GET", "/products/7");
			assertThat(hit.headers().firstValue("X-Cache-Status")).hasValue("HIT");
			assertThat(hit.headers().firstValue("Cache-Status").orElseThrow()).startsWith("swr; hit; ttl=");

			HttpResponse<String> batch = app.send("GET", "/products?ids=8,7");
			assertThat(batch.statusCode()).isEqualTo(200);
			assertThat(batch.headers().firstValue("X-Cache-Status")).hasValue("MISS");
			assertThat(batch.body().indexOf("\"id\":8")).isLessThan(batch.body().indexOf("\"id\":7"));

			assertThat(app.send("POST", "/categories/music/refresh").statusCode()).isEqualTo(204);
			assertThat(app.send("GET", "/products/7").headers().firstValue("X-Cache-Status")).hasValue("MISS");
			HttpResponse<String> evicted = app.send("DELETE", "/actuator/swr/products/tags/games");
			assertThat(evicted.statusCode()).isEqualTo(200);
			assertThat(evicted.body()).contains("\"tag\":\"games\"");
			assertThat(app.send("GET", "/products/8").headers().firstValue("X-Cache-Status")).hasValue("MISS");
			assertThat(app.send("GET", "/products/abc").statusCode()).isEqualTo(400);
			assertThat(app.send("GET", "/actuator/swr").body()).contains("\"products\"");
		}
	}

}
