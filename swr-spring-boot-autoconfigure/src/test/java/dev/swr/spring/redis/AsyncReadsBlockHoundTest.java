package dev.swr.spring.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.Cache;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.blockhound.BlockHound;
import reactor.core.publisher.Mono;

import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 4: a WebFlux application on real Redis, with BlockHound watching its event loops
 * (Netty's, Reactor's and Lettuce's). Before, a {@code Mono} or {@code CompletableFuture} method and
 * {@code Cache.retrieve} read Redis with {@code block(timeout)} on the subscriber's thread: on an
 * event loop that is a BlockingOperationError (a 500 here). Runs in a JVM of its own (BlockHound
 * instruments the JVM for good), see the module's surefire executions.
 */
@RealRedis
class AsyncReadsBlockHoundTest {

	private final RedisServer redis;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	AsyncReadsBlockHoundTest(RedisServer redis) {
		this.redis = redis;
	}

	@BeforeAll
	static void watchEventLoops() {
		BlockHound.install();
	}

	private ConfigurableApplicationContext start(String store) {
		String prefix = "swr-blockhound-" + UUID.randomUUID() + ":";
		return new SpringApplicationBuilder(WebApp.class).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "spring.data.redis.host=" + this.redis.host(),
					"spring.data.redis.port=" + this.redis.port(), "swr.store=" + store, "swr.redis.key-prefix=" + prefix,
					"swr.redis.invalidation-channel=" + prefix + "invalidation",
					// Every read of a tagged entry reads its tags' marks from Redis too.
					"swr.tags.check-interval=0")
			.run();
	}

	private HttpResponse<String> get(ConfigurableApplicationContext app, String path) throws Exception {
		String port = app.getEnvironment().getProperty("local.server.port");
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theHarnessCatchesABlockingCallOnTheEventLoop() throws Exception {
		try (ConfigurableApplicationContext app = start("redis")) {
			assertThat(get(app, "/blocking").statusCode()).as("Thread.sleep on the event loop").isEqualTo(500);
		}
	}

	@Test
	void monoAndFutureMethodsAndRetrieveReadRedisWithoutBlockingTheEventLoop() throws Exception {
		for (String store : new String[] { "redis", "tiered" }) {
			try (ConfigurableApplicationContext app = start(store)) {
				for (int round = 0; round < 3; round++) {
					// Round 0 misses and writes, the next rounds read what Redis holds.
					HttpResponse<String> mono = get(app, "/mono/7");
					assertThat(mono.statusCode()).as("%s mono round %d: %s", store, round, mono.body()).isEqualTo(200);
					assertThat(mono.body()).isEqualTo("mono-7");
					HttpResponse<String> future = get(app, "/future/7");
					assertThat(future.statusCode()).as("%s future round %d: %s", store, round, future.body())
						.isEqualTo(200);
					assertThat(future.body()).isEqualTo("future-7");
					HttpResponse<String> retrieved = get(app, "/retrieve/7");
					assertThat(retrieved.statusCode()).as("%s retrieve round %d: %s", store, round, retrieved.body())
						.isEqualTo(200);
					assertThat(retrieved.body()).isEqualTo("mono-7");
					HttpResponse<String> tagged = get(app, "/tagged/7");
					assertThat(tagged.statusCode()).as("%s tagged round %d: %s", store, round, tagged.body())
						.isEqualTo(200);
					assertThat(tagged.body()).isEqualTo("tagged-7");
				}
			}
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ Catalog.class, Endpoints.class })
	static class WebApp {

	}

	static class Catalog {

		@StaleWhileRevalidate(cache = "monos", key = "#id")
		public Mono<String> mono(long id) {
			return Mono.just("mono-" + id);
		}

		@StaleWhileRevalidate(cache = "tagged", key = "#id", tags = "'parity:' + (#id % 2)")
		public Mono<String> tagged(long id) {
			return Mono.just("tagged-" + id);
		}

		@StaleWhileRevalidate(cache = "futures", key = "#id")
		public CompletableFuture<String> future(long id) {
			return CompletableFuture.completedFuture("future-" + id);
		}

	}

	@RestController
	static class Endpoints {

		private final Catalog catalog;

		private final SwrCacheManager caches;

		Endpoints(Catalog catalog, SwrCacheManager caches) {
			this.catalog = catalog;
			this.caches = caches;
		}

		@GetMapping("/mono/{id}")
		Mono<String> mono(@PathVariable long id) {
			return this.catalog.mono(id);
		}

		@GetMapping("/tagged/{id}")
		Mono<String> tagged(@PathVariable long id) {
			return this.catalog.tagged(id);
		}

		@GetMapping("/future/{id}")
		CompletableFuture<String> future(@PathVariable long id) {
			return this.catalog.future(id);
		}

		/** Spring's Cache.retrieve of what the Mono method cached. */
		@GetMapping("/retrieve/{id}")
		Mono<String> retrieve(@PathVariable long id) {
			CompletableFuture<?> retrieved = this.caches.getCache("monos").retrieve(id);
			if (retrieved == null) {
				return Mono.just("absent");
			}
			return Mono.fromFuture(retrieved).map((wrapper) -> String.valueOf(((Cache.ValueWrapper) wrapper).get()))
				.defaultIfEmpty("absent");
		}

		@GetMapping("/blocking")
		Mono<String> blocking() {
			return Mono.fromCallable(() -> {
				Thread.sleep(1);
				return "slept";
			});
		}

	}

}
