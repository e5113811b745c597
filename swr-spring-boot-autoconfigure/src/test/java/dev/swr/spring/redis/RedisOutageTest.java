package dev.swr.spring.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.health.contributor.Status;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.spring.actuate.SwrEndpoint;
import dev.swr.spring.actuate.SwrEndpointWebExtension;
import dev.swr.spring.actuate.SwrHealthIndicator;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrHealthContributorAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis is not a single point of failure: killed while 32 threads read and write through the
 * tiered store, nobody sees an exception; restarted, the store resumes by itself and the first tier
 * is cleared, since invalidations may have been missed. And a misconfiguration fails startup.
 */
@RealRedis(ownServer = true)
class RedisOutageTest {

	private final RedisServer redis;

	RedisOutageTest(RedisServer redis) {
		this.redis = redis;
	}

	private ApplicationContextRunner tiered() {
		String prefix = "swr-outage-" + UUID.randomUUID() + ":";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + this.redis.host(),
					"spring.data.redis.port=" + this.redis.port(), "swr.store=tiered", "swr.redis.key-prefix=" + prefix,
					"swr.redis.invalidation-channel=" + prefix + "invalidation", "swr.redis.command-timeout=100ms")
			.withBean("swrClock", ManualClock.class, () -> new ManualClock(Instant.now()));
	}

	@Test
	void killedWhile32ThreadsReadAndWriteNobodySeesAnExceptionAndARestartResumesAndClearsTheFirstTier() throws Exception {
		tiered().run((context) -> {
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("outage");
			RedisInvalidations invalidations = context.getBean(RedisInvalidations.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> invalidations.subscriptions() == 1);
			for (int key = 0; key < 50; key++) {
				cache.get(key, (k) -> "warm-" + k);
			}
			AtomicBoolean running = new AtomicBoolean(true);
			ConcurrentLinkedQueue<Throwable> seen = new ConcurrentLinkedQueue<>();
			AtomicInteger answers = new AtomicInteger();
			CountDownLatch started = new CountDownLatch(32);
			ExecutorService threads = Executors.newFixedThreadPool(32);
			for (int t = 0; t < 32; t++) {
				int thread = t;
				threads.submit(() -> {
					started.countDown();
					int i = 0;
					while (running.get()) {
						try {
							int key = (thread * 7 + i++) % 100;
							if (i % 5 == 0) {
								cache.put(key, "written-" + key);
							}
							else if (cache.get(key, (k) -> "loaded-" + k) != null) {
								answers.incrementAndGet();
							}
						}
						catch (Throwable ex) {
							seen.add(ex);
						}
					}
				});
			}
			started.await();
			await().atMost(Duration.ofSeconds(5)).until(() -> answers.get() > 1000);
			this.redis.kill();
			int beforeOutage = answers.get();
			await().atMost(Duration.ofSeconds(20)).until(() -> answers.get() > beforeOutage + 5000);
			assertThat(cache.stats().storeErrors()).as("store errors are counted").isPositive();
			running.set(false);
			threads.shutdown();
			assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			assertThat(seen).as("exceptions seen by callers").isEmpty();
			// A put that Redis refused does not pretend to have replaced anything: the key is evicted.
			cache.put(0, "during-outage");
			assertThat(cache.getEntry(0)).isNull();
			// A load's write that Redis refused stays in the first tier, to serve from.
			cache.get("loaded-during-outage", (k) -> "v");
			assertThat(cache.getEntry("loaded-during-outage")).isNotNull();
			this.redis.restart();
			await().atMost(Duration.ofSeconds(30)).until(() -> invalidations.subscriptions() >= 2);
			// The store resumes by itself...
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
				cache.put("probe", "p");
				assertThat(context.getBean(RedisGateway.class).get(
						context.getEnvironment().getProperty("swr.redis.key-prefix") + "outage::probe")).isNotNull();
			});
			// ...and the first tier was cleared, since invalidations sent meanwhile were missed.
			assertThat(cache.getEntry("loaded-during-outage")).isNull();
		});
	}

	@Test
	void healthStaysUpAndShowsRedisUnreachableWhileItIsDown() throws Exception {
		tiered().withConfiguration(AutoConfigurations.of(SwrHealthContributorAutoConfiguration.class)).run((context) -> {
			SwrHealthIndicator health = context.getBean(SwrHealthIndicator.class);
			context.getBean(SwrCacheManager.class).getSwrCache("health").get("k", (k) -> "v");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(details(health)).containsEntry("store", "tiered").containsEntry("reachable", true);
			this.redis.kill();
			try {
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
				assertThat(details(health)).containsEntry("reachable", false);
			}
			finally {
				this.redis.restart();
			}
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(details(health)).containsEntry("reachable", true));
		});
	}

	@SuppressWarnings("unchecked")
	private static java.util.Map<String, Object> details(SwrHealthIndicator health) {
		var caches = (java.util.Map<String, Object>) health.health().getDetails().get("caches");
		return (java.util.Map<String, Object>) caches.get("health");
	}

	@Test
	void redisStoreWithoutARedisConnectionFailsStartupSayingWhatToAdd() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
			.withPropertyValues("swr.store=redis")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("swr.store=redis needs a Redis connection")
				.hasStackTraceContaining("spring-boot-starter-data-redis"));
		tiered().withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("swr.store=tiered needs a Redis connection"));
	}

	@Test
	void theMemoryStoreNeedsNoRedisEvenWhenRedisIsConfigured() {
		tiered().withPropertyValues("swr.store=memory").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RedisGateway.class);
			assertThat(context.getBean(SwrCacheManager.class).getSwrCache("m").inspect().storeKind()).isEqualTo("memory");
		});
	}


	/**
	 * Issue 12, item 3: with Redis stopped (SIGSTOP), clearing a cache took the hard-coded 30 s and
	 * answered 204 though nothing was cleared. Now each step waits at most the command timeout and
	 * the endpoint answers 503 saying why.
	 */
	@Test
	void clearingWhileRedisIsStoppedAnswers503WithinTheCommandTimeoutInsteadOf204() throws Exception {
		tiered().run((context) -> {
			SwrCacheManager manager = context.getBean(SwrCacheManager.class);
			manager.getSwrCache("cleared").put("k", "v");
			SwrEndpointWebExtension endpoint = new SwrEndpointWebExtension(new SwrEndpoint(manager, null));
			assertThat(endpoint.clear("cleared").getStatus()).as("Redis up").isEqualTo(204);
			this.redis.pause();
			try {
				CompletableFuture<WebEndpointResponse<?>> answer = CompletableFuture.supplyAsync(() -> endpoint.clear("cleared"));
				// Bounded well under the old 30 s: one command timeout (100ms here) and the breaker.
				WebEndpointResponse<?> response = answer.get(10, TimeUnit.SECONDS);
				assertThat(response.getStatus()).isEqualTo(503);
				assertThat(response.getBody()).isInstanceOfSatisfying(SwrEndpointWebExtension.ClearFailure.class,
						(failure) -> {
							assertThat(failure.cache()).isEqualTo("cleared");
							assertThat(failure.reason()).isIn("timeout", "unavailable");
						});
				assertThat(manager.getSwrCache("cleared").stats()
					.storeErrors(dev.swr.core.SwrStoreException.Operation.CLEAR, dev.swr.core.SwrStoreException.Reason.TIMEOUT)
						+ manager.getSwrCache("cleared").stats()
							.storeErrors(dev.swr.core.SwrStoreException.Operation.CLEAR,
									dev.swr.core.SwrStoreException.Reason.UNAVAILABLE))
					.as("counted").isEqualTo(1);
			}
			finally {
				this.redis.resume();
			}
		});
	}

	/**
	 * A tag eviction while Redis is stopped: the endpoint answers 503 within the command timeout
	 * saying why, the eviction holds on this instance all the same, and a tagged entry stays readable
	 * here (what is known of its tags stays in force while the marks cannot be read).
	 */
	@Test
	void aTagEvictionWhileRedisIsStoppedAnswers503AndStillHoldsHere() throws Exception {
		tiered().run((context) -> {
			SwrCacheManager manager = context.getBean(SwrCacheManager.class);
			dev.swr.core.SwrCache<Object, Object> cache = manager.getSwrCache("tagged");
			cache.getWithStatus("a", (key) -> "A", null, (value) -> java.util.List.of("letters"));
			cache.getWithStatus("b", (key) -> "B", null, (value) -> java.util.List.of("other"));
			SwrEndpointWebExtension endpoint = new SwrEndpointWebExtension(new SwrEndpoint(manager, null));
			this.redis.pause();
			try {
				WebEndpointResponse<?> response = CompletableFuture
					.supplyAsync(() -> endpoint.evictTag("tagged", "tags", "letters", null))
					.get(10, TimeUnit.SECONDS);
				assertThat(response.getStatus()).isEqualTo(503);
				assertThat(response.getBody()).isInstanceOfSatisfying(SwrEndpointWebExtension.ClearFailure.class,
						(failure) -> assertThat(failure.reason()).isIn("timeout", "unavailable"));
				assertThat(cache.getEntry("a")).as("evicted here though Redis did not record it").isNull();
				assertThat(CompletableFuture.supplyAsync(() -> cache.getEntry("b")).get(10, TimeUnit.SECONDS).value())
					.isEqualTo("B");
			}
			finally {
				this.redis.resume();
			}
			// Once Redis is back (and the gateway's breaker lets calls through again), it is recorded.
			org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
				.until(() -> endpoint.evictTag("tagged", "tags", "letters", true).getStatus() == 200);
		});
	}

	/**
	 * Issue 12, item 2: with Redis stalled (SIGSTOP), a lease's SET NX timed out for its caller,
	 * which went on with a local lease; Redis ran the queued SET when it resumed, and for the
	 * lease's whole TTL every instance's cold read of the key waited its full lock-wait. Now a
	 * compare-and-delete of the token follows the unconfirmed SET on the same connection.
	 */
	@Test
	void aLeaseWhoseSetTimedOutUnderAStalledRedisIsReleasedWhenRedisResumes() throws Exception {
		org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory factory = this.redis
			.connectionFactory();
		RedisGateway gateway = new RedisGateway(factory, Duration.ofMillis(200));
		try (io.lettuce.core.api.StatefulRedisConnection<byte[], byte[]> raw = this.redis.rawConnection()) {
			assertThat(gateway.connect(Duration.ofSeconds(5))).isTrue();
			String lease = "swr-outage-" + UUID.randomUUID() + ":lease:products::7";
			long releasesBefore = evalCalls(raw);
			this.redis.pause();
			try {
				org.assertj.core.api.Assertions.assertThatExceptionOfType(dev.swr.core.SwrStoreException.class)
					.isThrownBy(() -> gateway.setIfAbsent(lease, "token-1", Duration.ofSeconds(30)))
					.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(dev.swr.core.SwrStoreException.Reason.TIMEOUT));
			}
			finally {
				this.redis.resume();
			}
			// The release runs after the SET it follows, on the same connection: once it ran, both did.
			await().atMost(Duration.ofSeconds(10)).until(() -> evalCalls(raw) > releasesBefore);
			assertThat(raw.sync().exists(lease.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
				.as("no lease left behind").isZero();
		}
		finally {
			gateway.close();
			factory.destroy();
		}
	}

	/**
	 * Issue 12, item 2: a cold read under a stalled Redis spent one command timeout on each of its
	 * Redis commands (GET, lease, PUT, publish) until the store's breaker had seen five failures.
	 * Now the first timeout opens it and the rest of the read skips Redis at once.
	 */
	@Test
	void aColdReadUnderAStalledRedisWaitsOutOneCommandTimeoutNotOnePerCommand() throws Exception {
		tiered().withPropertyValues("swr.redis.lock-wait=2s").run((context) -> {
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("stalled");
			await().atMost(Duration.ofSeconds(10))
				.until(() -> context.getBean(RedisInvalidations.class).subscriptions() == 1);
			this.redis.pause();
			try {
				assertThat(cache.get("k", (key) -> "from-source")).isEqualTo("from-source");
			}
			finally {
				this.redis.resume();
			}
			long timeouts = 0;
			long skipped = 0;
			for (dev.swr.core.SwrStoreException.Operation operation : dev.swr.core.SwrStoreException.Operation.values()) {
				timeouts += cache.stats().storeErrors(operation, dev.swr.core.SwrStoreException.Reason.TIMEOUT);
				skipped += cache.stats().storeErrors(operation, dev.swr.core.SwrStoreException.Reason.UNAVAILABLE);
			}
			assertThat(timeouts).as("commands that waited out the timeout").isEqualTo(1);
			assertThat(skipped).as("lease and put skipped at once").isGreaterThanOrEqualTo(2);
		});
	}

	private static long evalCalls(io.lettuce.core.api.StatefulRedisConnection<byte[], byte[]> raw) {
		for (String line : raw.sync().info("commandstats").split("\\r?\\n")) {
			if (line.startsWith("cmdstat_eval:")) {
				String calls = line.substring(line.indexOf("calls=") + 6);
				return Long.parseLong(calls.substring(0, calls.indexOf(',')));
			}
		}
		return 0;
	}

}
