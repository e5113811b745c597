package dev.swr.spring.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SkipReason;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two application contexts (two instances) on one real Redis deployment with the tiered store: a
 * value loaded by one is a hit on the other, an evict and a clear reach the other's first tier (and
 * a clear every key of the cache in Redis), a stale key hammered on both is refreshed once, and with
 * lock-wait a cold key hammered on both is loaded once. Each subclass is one topology: a single
 * server, a cluster, a Sentinel-managed primary.
 */
abstract class AbstractTwoInstancesTests {

	private final ManualClock clock = new ManualClock(Instant.now());

	private final Source source = new Source();

	protected final String prefix = "swr-two-" + UUID.randomUUID() + ":";

	/** Boot's {@code spring.data.redis.*} properties that reach the deployment under test. */
	protected abstract String[] connection();

	/** How many keys of the deployment match {@code pattern}, counted on every primary. */
	protected abstract long keysMatching(String pattern);

	protected ApplicationContextRunner instance(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues(connection())
			.withPropertyValues("swr.store=tiered", "swr.redis.key-prefix=" + this.prefix,
					"swr.redis.invalidation-channel=" + this.prefix + "invalidation", "swr.defaults.jitter=0",
					"swr.defaults.fresh=10s", "swr.defaults.refresh-timeout=20s", "swr.tiered.local-ttl=1m")
			.withPropertyValues(properties)
			.withBean("swrClock", ManualClock.class, () -> this.clock)
			.withBean(Source.class, () -> this.source)
			.withBean(Catalog.class);
	}

	protected static SwrCache<Object, Object> cache(AssertableApplicationContext context) {
		return context.getBean(SwrCacheManager.class).getSwrCache("products");
	}

	@Test
	void aValueLoadedByOneInstanceIsAHitOnTheOther() {
		instance().run((a) -> instance().run((b) -> {
			assertThat(a.getBean(Catalog.class).find(1)).isEqualTo("product-1#1");
			assertThat(b.getBean(Catalog.class).find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(this.source.loads).hasValue(1);
		}));
	}

	@Test
	void anEvictOnOneInstanceReachesTheOthersFirstTier() {
		instance().run((a) -> instance().run((b) -> {
			a.getBean(Catalog.class).find(2);
			b.getBean(Catalog.class).find(2);
			assertThat(cache(b).getEntry(2L)).as("in b's first tier").isNotNull();
			cache(a).evict(2L);
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cache(b).getEntry(2L)).isNull());
			assertThat(b.getBean(Catalog.class).find(2)).isEqualTo("product-2#2");
		}));
	}

	@Test
	void aClearOnOneInstanceEmptiesRedisAndTheOthersFirstTier() {
		instance().run((a) -> instance().run((b) -> {
			for (long id = 100; id < 300; id++) {
				a.getBean(Catalog.class).find(id);
				b.getBean(Catalog.class).find(id);
			}
			assertThat(keysMatching(this.prefix + "products::*")).isEqualTo(200);
			assertThat(cache(b).getEntry(150L)).as("in b's first tier").isNotNull();

			cache(a).clear();

			assertThat(keysMatching(this.prefix + "products::*")).as("no key of the cache left in Redis").isZero();
			await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cache(b).getEntry(150L)).isNull());
			assertThat(b.getBean(Catalog.class).find(150)).isEqualTo("product-150#201");
		}));
	}

	@Test
	void aStaleKeyHammeredOnBothInstancesIsRefreshedOnce() {
		instance().run((a) -> instance().run((b) -> {
			a.getBean(Catalog.class).find(3);
			this.clock.advance(Duration.ofSeconds(11));
			this.source.hold();
			List<Future<String>> answers = hammer(16, a.getBean(Catalog.class), b.getBean(Catalog.class), 3);
			for (Future<String> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("product-3#1");
			}
			// One refresh holds the lease and waits on the source; the other instance's refresh must skip.
			await().atMost(Duration.ofSeconds(10)).until(() -> this.source.loads.get() == 2
					&& cache(a).stats().skips(SkipReason.LEASE_HELD) + cache(b).stats().skips(SkipReason.LEASE_HELD) >= 1);
			this.source.release();
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(cache(a).getEntry(3L).value()).isEqualTo("product-3#2"));
			assertThat(this.source.loads).hasValue(2);
		}));
	}

	@Test
	void aRefreshOvertakenByAPutOnTheOtherInstanceDoesNotReplaceIt() {
		instance().run((a) -> instance().run((b) -> {
			a.getBean(Catalog.class).find(5);
			this.clock.advance(Duration.ofSeconds(11));
			this.source.hold();
			// a serves the stale value and refreshes it under the lease; its loader is held.
			assertThat(a.getBean(Catalog.class).find(5)).isEqualTo("product-5#1");
			await().atMost(Duration.ofSeconds(10)).until(() -> this.source.loads.get() == 2);
			// Meanwhile the other instance writes a newer value, not under the lease.
			cache(b).put(5L, "newer");

			this.source.release();

			await().atMost(Duration.ofSeconds(10))
				.until(() -> cache(a).stats().skips(SkipReason.LEASE_LOST) == 1);
			assertThat(keysMatching(this.prefix + "products::5")).isOne();
			assertThat(b.getBean(Catalog.class).find(5)).as("Redis kept the newer value").isEqualTo("newer");
			assertThat(a.getBean(Catalog.class).find(5)).as("and a's first tier did not take the older one")
				.isEqualTo("newer");
		}));
	}

	@Test
	void withLockWaitAColdKeyHammeredOnBothInstancesIsLoadedOnce() {
		instance("swr.redis.lock-wait=10s").run((a) -> instance("swr.redis.lock-wait=10s").run((b) -> {
			this.source.hold();
			List<Future<String>> answers = hammer(16, a.getBean(Catalog.class), b.getBean(Catalog.class), 4);
			// Release only once every caller of both instances waits: on the one load, or for the other instance.
			await().atMost(Duration.ofSeconds(10)).until(() -> this.source.loads.get() == 1 && waitingCallers() == 32);
			this.source.release();
			for (Future<String> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("product-4#1");
			}
			assertThat(this.source.loads).hasValue(1);
		}));
	}

	@Test
	void withLockWaitAColdKeyAskedAsynchronouslyOnBothInstancesIsLoadedOnceAndNoThreadWaits() throws Exception {
		instance("swr.redis.lock-wait=10s").run((a) -> instance("swr.redis.lock-wait=10s").run((b) -> {
			this.source.hold();
			List<CompletableFuture<String>> answers = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				answers.add(a.getBean(Catalog.class).findAsync(7));
				answers.add(b.getBean(Catalog.class).findAsync(7));
			}
			// One instance loads; the other polls Redis for its value. Neither parks a thread to do so.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.source.loads.get() == 1 && cache(a).inspect().missesInFlight() + cache(b).inspect().missesInFlight() == 2);
			assertThat(threadsIn("awaitOtherInstance")).as("threads parked waiting for the other instance").isZero();
			assertThat(answers).noneMatch(CompletableFuture::isDone);
			this.source.release();
			for (CompletableFuture<String> answer : answers) {
				assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("product-7#1");
			}
			assertThat(this.source.loads).hasValue(1);
		}));
	}

	private static long threadsIn(String method) {
		return Thread.getAllStackTraces()
			.values()
			.stream()
			.filter((stack) -> java.util.Arrays.stream(stack).anyMatch((frame) -> frame.getMethodName().equals(method)))
			.count();
	}

	private List<Future<String>> hammer(int perInstance, Catalog a, Catalog b, long id) {
		AtomicInteger names = new AtomicInteger();
		ExecutorService callers = Executors.newFixedThreadPool(perInstance * 2,
				(runnable) -> new Thread(runnable, "hammer-" + names.incrementAndGet()));
		List<Future<String>> answers = new ArrayList<>();
		for (int i = 0; i < perInstance; i++) {
			answers.add(callers.submit(() -> a.find(id)));
			answers.add(callers.submit(() -> b.find(id)));
		}
		callers.shutdown();
		return answers;
	}

	private static long waitingCallers() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("hammer-"))
			.filter((thread) -> thread.getState() == Thread.State.WAITING
					|| thread.getState() == Thread.State.TIMED_WAITING)
			.count();
	}

	/** The slow source both instances stand in front of; one counter for both. */
	public static class Source {

		final AtomicInteger loads = new AtomicInteger();

		private volatile CountDownLatch gate = new CountDownLatch(0);

		private volatile CompletableFuture<Void> opened = CompletableFuture.completedFuture(null);

		void hold() {
			this.gate = new CountDownLatch(1);
			this.opened = new CompletableFuture<>();
		}

		void release() {
			this.gate.countDown();
			this.opened.complete(null);
		}

		String fetch(long id) throws InterruptedException {
			int load = this.loads.incrementAndGet();
			this.gate.await();
			return "product-" + id + "#" + load;
		}

		/** Holds no thread while held: the future completes on release. */
		CompletableFuture<String> fetchAsync(long id) {
			int load = this.loads.incrementAndGet();
			return this.opened.thenApply((opened) -> "product-" + id + "#" + load);
		}

	}

	public static class Catalog {

		private final Source source;

		public Catalog(Source source) {
			this.source = source;
		}

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public String find(long id) throws InterruptedException {
			return this.source.fetch(id);
		}

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public CompletableFuture<String> findAsync(long id) {
			return this.source.fetchAsync(id);
		}

	}

}
