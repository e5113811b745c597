package dev.swr.spring.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A primary killed with SIGKILL under load from two instances (tiered): no caller sees an error
 * while the deployment fails over, and once the replica is promoted the instances write to it again
 * (a value one instance loads is a hit on the other). Each subclass is one topology.
 */
abstract class AbstractFailoverTests {

	private static final int KEYS = 500;

	private static final long PACE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

	private final String prefix = "swr-failover-" + UUID.randomUUID() + ":";

	private final AtomicInteger loads = new AtomicInteger();

	/** Boot's {@code spring.data.redis.*} properties that reach the deployment under test. */
	protected abstract String[] connection();

	/** Kills the primary the load's keys live on (one of them, on a cluster); returns what to wait for. */
	protected abstract int killPrimary() throws Exception;

	/** Waits until the deployment has promoted a replica in place of {@code killed}. */
	protected abstract void awaitFailover(int killed);

	private ApplicationContextRunner instance() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues(connection())
			.withPropertyValues("swr.store=tiered", "swr.redis.key-prefix=" + this.prefix,
					"swr.redis.invalidation-channel=" + this.prefix + "invalidation", "swr.defaults.fresh=1m",
					"swr.tiered.local-ttl=1s")
			.withBean(AtomicInteger.class, () -> this.loads)
			.withBean(Catalog.class);
	}

	@Test
	void aPrimaryKilledUnderLoadCostsNoCallerAnErrorAndWritesResumeOnThePromotedReplica() {
		instance().run((a) -> instance().run((b) -> {
			List<Catalog> catalogs = List.of(a.getBean(Catalog.class), b.getBean(Catalog.class));
			for (long id = 0; id < KEYS; id++) {
				catalogs.get(0).find(id);
			}
			Load load = new Load(catalogs);
			load.start();
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> load.answers.get() > 2_000);
				int killed = killPrimary();
				long killedAt = System.nanoTime();
				awaitFailover(killed);
				long promotedAt = System.nanoTime();
				// Writes resume: a key one instance loads now is read from Redis by the other.
				AtomicLong fresh = new AtomicLong(1_000_000);
				List<String> tries = new java.util.concurrent.CopyOnWriteArrayList<>();
				try {
					await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
						long id = fresh.incrementAndGet();
						catalogs.get(0).find(id);
						SwrStatus first = SwrStatus.last();
						catalogs.get(1).find(id);
						tries.add(id + ": a " + first + ", b " + SwrStatus.last() + ", Redis available to a "
								+ a.getBean(RedisGateway.class).isAvailable() + ", to b " + b.getBean(RedisGateway.class).isAvailable());
						return SwrStatus.last() == SwrStatus.HIT;
					});
				}
				catch (org.awaitility.core.ConditionTimeoutException ex) {
					throw new AssertionError("Writes did not resume; the last tries:\n"
							+ String.join("\n", tries.subList(Math.max(0, tries.size() - 10), tries.size())), ex);
				}
				long resumedAt = System.nanoTime();
				long answersBefore = load.answers.get();
				await().atMost(Duration.ofSeconds(10)).until(() -> load.answers.get() > answersBefore + 2_000);
				System.out.printf("%s: failover %d ms after the kill, writes resumed %d ms after it; %d answers; errors callers saw: %s%n",
						getClass().getSimpleName(), TimeUnit.NANOSECONDS.toMillis(promotedAt - killedAt),
						TimeUnit.NANOSECONDS.toMillis(resumedAt - killedAt), load.answers.get(), load.errors);
			}
			finally {
				load.stop();
			}
			assertThat(load.errors).as("errors callers saw").isEmpty();
		}));
	}

	/** Callers on both instances reading random keys as fast as they answer. */
	private static final class Load {

		final AtomicLong answers = new AtomicLong();

		final Map<String, Integer> errors = new ConcurrentHashMap<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final List<Catalog> catalogs;

		private final ExecutorService callers = Executors.newFixedThreadPool(8);

		Load(List<Catalog> catalogs) {
			this.catalogs = catalogs;
		}

		void start() {
			for (int i = 0; i < 8; i++) {
				Catalog catalog = this.catalogs.get(i % 2);
				this.callers.execute(() -> {
					while (this.running.get()) {
						long id = ThreadLocalRandom.current().nextLong(KEYS);
						try {
							if (!catalog.find(id).equals("product-" + id)) {
								this.errors.merge("wrong value for " + id, 1, Integer::sum);
							}
							this.answers.incrementAndGet();
						}
						catch (RuntimeException ex) {
							this.errors.merge(ex.toString(), 1, Integer::sum);
						}
						// Paced (at most about 10,000 reads a second per caller), so the callers leave the
						// two cores to Redis, the client's I/O threads and the failover.
						LockSupport.parkNanos(PACE_NANOS);
					}
				});
			}
		}

		void stop() throws InterruptedException {
			this.running.set(false);
			this.callers.shutdown();
			assertThat(this.callers.awaitTermination(30, TimeUnit.SECONDS)).as("callers stopped").isTrue();
		}

	}

	public static class Catalog {

		private final AtomicInteger loads;

		public Catalog(AtomicInteger loads) {
			this.loads = loads;
		}

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public String find(long id) {
			this.loads.incrementAndGet();
			return "product-" + id;
		}

	}

}
