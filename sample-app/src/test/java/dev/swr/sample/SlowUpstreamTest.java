package dev.swr.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import dev.swr.core.SwrPolicy;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance scenario of issue 11, scaled for CI: with the default {@code swr.*} settings, an
 * upstream at 30 s latency hit by 300 parallel requests for distinct cold ids leaves a cached id
 * and {@code /actuator/health} answering within 1 s, and every cold request ends, well before the
 * upstream would have answered, as a 503 problem (its load rejected or timed out).
 * <p>
 * Real HTTP on a real port, so Tomcat's worker threads are what a slow source could exhaust. The
 * one-second bound is each fast request's own timeout, not a measurement; the cold requests carry
 * the miss-timeout plus a margin as theirs, so one that hangs fails the test instead of stalling it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		// Close without waiting for requests still held by the slow upstream when an assertion failed.
		properties = "server.shutdown=immediate")
// Closed after the class: its loads into a 30 s upstream must not outlive it into other tests.
@DirtiesContext
class SlowUpstreamTest {

	private static final int COLD_REQUESTS = 300;

	private static final Duration CACHED_ANSWER_BOUND = Duration.ofSeconds(1);

	/** Above the miss-timeout, for the rejected and timed-out requests to be queued and answered. */
	private static final Duration COLD_ANSWER_MARGIN = Duration.ofSeconds(5);

	@LocalServerPort
	private int port;

	@Autowired
	private Upstream upstream;

	@Autowired
	private SwrCacheManager caches;

	private final ExecutorService clientThreads = Executors.newFixedThreadPool(4);

	private final HttpClient client = HttpClient.newBuilder()
		.executor(this.clientThreads)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@AfterEach
	void restoreUpstream() {
		// Directly, not over HTTP: after a failure the server may have no thread left to answer.
		this.upstream.latencyMs(20);
		this.clientThreads.shutdownNow();
	}

	@Test
	void aSlowUpstreamHitByManyColdIdsLeavesCachedIdsAndHealthAnsweringWithinOneSecond() throws Exception {
		SwrPolicy policy = this.caches.getSwrCache("products").policy();
		Duration coldTimeout = policy.missTimeout().plus(COLD_ANSWER_MARGIN);

		HttpResponse<String> warm = send("GET", "/products/1", Duration.ofSeconds(5));
		assertThat(warm.statusCode()).isEqualTo(200);
		assertThat(send("POST", "/upstream/latency?ms=30000", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
		long callsBefore = this.upstream.calls();

		List<CompletableFuture<HttpResponse<String>>> cold = new ArrayList<>(COLD_REQUESTS);
		for (int i = 0; i < COLD_REQUESTS; i++) {
			cold.add(this.client.sendAsync(request("GET", "/products/" + (1000 + i), coldTimeout),
					HttpResponse.BodyHandlers.ofString()));
		}
		// The slow loads have started: as many as the cache lets run at once reached the upstream.
		await().atMost(coldTimeout)
			.until(() -> this.upstream.calls() - callsBefore >= Math.min(COLD_REQUESTS, policy.maxConcurrentMisses()));

		for (int round = 0; round < 3; round++) {
			HttpResponse<String> cached = sendWithin("/products/1", CACHED_ANSWER_BOUND);
			assertThat(cached.statusCode()).isEqualTo(200);
			// Fresh for 10 s in the sample; STALE would be served at once all the same.
			assertThat(cached.headers().firstValue("X-Cache-Status")).get().isIn("HIT", "STALE");
			HttpResponse<String> health = sendWithin("/actuator/health", CACHED_ANSWER_BOUND);
			assertThat(health.statusCode()).isEqualTo(200);
		}
		assertThat(cold).as("cold requests still in flight while the cached id and health answered")
			.anyMatch((request) -> !request.isDone());

		List<HttpResponse<String>> answers = new ArrayList<>(COLD_REQUESTS);
		for (CompletableFuture<HttpResponse<String>> request : cold) {
			answers.add(joinCold(request, coldTimeout));
		}
		for (HttpResponse<String> answer : answers) {
			assertThat(answer.statusCode()).as("cold %s", answer.uri().getPath()).isEqualTo(503);
			assertThat(answer.headers().firstValue("Content-Type")).get()
				.asString()
				.startsWith("application/problem+json");
			assertThat(answer.headers().firstValue("Retry-After")).as("Retry-After of %s", answer.uri().getPath())
				.isPresent();
		}
		Map<String, Long> titles = answers.stream()
			.map(SlowUpstreamTest::title)
			.collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
		assertThat(titles).containsOnlyKeys("Too many products loading", "Upstream too slow");
		assertThat(this.upstream.calls() - callsBefore).as("cold loads that reached the upstream")
			.isLessThanOrEqualTo(policy.maxConcurrentMisses());

		assertThat(send("POST", "/upstream/latency?ms=20", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
	}

	private HttpResponse<String> sendWithin(String path, Duration bound) throws Exception {
		try {
			return send("GET", path, bound);
		}
		catch (HttpTimeoutException ex) {
			return fail("GET %s did not answer within %s while %d cold ids loaded from a 30 s upstream", path,
					bound, COLD_REQUESTS);
		}
	}

	private HttpResponse<String> joinCold(CompletableFuture<HttpResponse<String>> request, Duration timeout) {
		try {
			return request.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof HttpTimeoutException) {
				return fail("A cold request was still unanswered after %s (miss-timeout plus a margin)", timeout);
			}
			throw ex;
		}
	}

	private HttpResponse<String> send(String method, String path, Duration timeout) throws Exception {
		return this.client.send(request(method, path, timeout), HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest request(String method, String path, Duration timeout) {
		return HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(timeout)
			.build();
	}

	private static String title(HttpResponse<String> problem) {
		return JsonPath.read(problem.body(), "$.title");
	}

}
