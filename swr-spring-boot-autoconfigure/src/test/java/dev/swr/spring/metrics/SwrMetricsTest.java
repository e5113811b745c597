package dev.swr.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.ManualClock;
import dev.swr.core.SkipReason;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrCircuitBreakerAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrMetricsAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meters of DESIGN.md's table, with exactly its names and tags, after a scripted sequence of
 * reads whose statuses are known; Boot's {@code cache.*} meters and the breaker's meters beside
 * them; each optional part absent without its library.
 */
class SwrMetricsTest {

	private static final AutoConfigurations METRICS = AutoConfigurations.of(MetricsAutoConfiguration.class,
			CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(METRICS)
		.withConfiguration(AutoConfigurations.of(CacheMetricsAutoConfiguration.class, SwrAutoConfiguration.class,
				SwrCircuitBreakerAutoConfiguration.class, SwrMetricsAutoConfiguration.class))
		.withUserConfiguration(ClockConfiguration.class)
		.withPropertyValues("swr.defaults.fresh=10s", "swr.defaults.stale=1m", "swr.defaults.expired=1h",
				"swr.defaults.expired-wait=0s", "swr.defaults.jitter=0", "swr.defaults.refresh-backoff=5m",
				"swr.defaults.refresh-backoff-max=10m");

	private static Object fail(Object key) {
		throw new IllegalStateException("upstream down");
	}

	/** HIT 2, MISS 2, STALE 2, FALLBACK 1; loads: miss/success 2, refresh/failure 1; one evict. */
	private static void script(AssertableApplicationContext context) {
		ManualClock clock = context.getBean(ManualClock.class);
		SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
		assertThat(status(cache, "a", (key) -> "A")).isEqualTo(SwrStatus.MISS);
		assertThat(status(cache, "a", SwrMetricsTest::fail)).isEqualTo(SwrStatus.HIT);
		assertThat(status(cache, "a", SwrMetricsTest::fail)).isEqualTo(SwrStatus.HIT);
		clock.advance(Duration.ofSeconds(10));
		// The refresh runs on the calling thread (swrRefreshExecutor) and fails: a backoff of 5m starts.
		assertThat(status(cache, "a", SwrMetricsTest::fail)).isEqualTo(SwrStatus.STALE);
		assertThat(status(cache, "a", SwrMetricsTest::fail)).isEqualTo(SwrStatus.STALE);
		clock.advance(Duration.ofMinutes(1));
		assertThat(status(cache, "a", SwrMetricsTest::fail)).isEqualTo(SwrStatus.FALLBACK);
		assertThat(status(cache, "b", (key) -> "B")).isEqualTo(SwrStatus.MISS);
		cache.evict("b");
	}

	private static SwrStatus status(SwrCache<Object, Object> cache, String key,
			dev.swr.core.SwrLoader<Object, Object> loader) {
		SwrResult<Object> result = cache.getWithStatus(key, loader);
		return result.status();
	}

	@Test
	void swrMetersCountAScriptedSequenceExactly() {
		this.runner.run((context) -> {
			script(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(gets(registry, "hit")).isEqualTo(2);
			assertThat(gets(registry, "miss")).isEqualTo(2);
			assertThat(gets(registry, "stale")).isEqualTo(2);
			assertThat(gets(registry, "expired")).isZero();
			assertThat(gets(registry, "fallback")).isEqualTo(1);
			assertThat(registry.get("swr.loads").tags("cache", "products", "trigger", "miss", "outcome", "success")
				.timer().count()).isEqualTo(2);
			assertThat(registry.get("swr.loads").tags("cache", "products", "trigger", "refresh", "outcome", "failure")
				.timer().count()).isEqualTo(1);
			assertThat(registry.find("swr.loads").tags("outcome", "timeout").timer()).as("resolved on first use").isNull();
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			long backoffSkips = cache.stats().skips(SkipReason.BACKOFF);
			assertThat(backoffSkips).as("the second stale read and the expired read").isEqualTo(2);
			assertThat(registry.get("swr.refreshes.skipped").tags("cache", "products", "reason", "backoff")
				.functionCounter().count()).isEqualTo(2);
			assertThat(registry.get("swr.refreshes.skipped").tags("cache", "products", "reason", "saturated")
				.functionCounter().count()).isZero();
			assertThat(registry.get("swr.store.errors").tags("cache", "products", "operation", "get", "reason", "timeout")
				.functionCounter().count()).isZero();
			assertThat(registry.get("swr.size").tags("cache", "products").gauge().value()).isEqualTo(1);
			assertThat(registry.get("swr.refreshes.active").gauge().value()).isZero();
		});
	}

	@Test
	void everySwrMeterCarriesExactlyTheTagsOfTheTable() {
		this.runner.run((context) -> {
			script(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(tagKeys(registry, "swr.gets")).containsExactlyInAnyOrder("cache", "status");
			assertThat(tagKeys(registry, "swr.loads")).containsExactlyInAnyOrder("cache", "trigger", "outcome");
			assertThat(tagKeys(registry, "swr.refreshes.skipped")).containsExactlyInAnyOrder("cache", "reason");
			assertThat(tagKeys(registry, "swr.refreshes.active")).isEmpty();
			assertThat(tagKeys(registry, "swr.store.errors")).containsExactlyInAnyOrder("cache", "operation", "reason");
			assertThat(tagKeys(registry, "swr.size")).containsExactly("cache");
			assertThat(tagKeys(registry, "swr.refreshes.stuck")).isEmpty();
			assertThat(tagKeys(registry, "swr.misses.refused")).containsExactlyInAnyOrder("cache", "reason");
			assertThat(tagKeys(registry, "swr.misses.active")).containsExactly("cache");
			assertThat(Search.in(registry).name((name) -> name.startsWith("swr.")).meters())
				.extracting((meter) -> meter.getId().getName())
				.allMatch((name) -> name.equals("swr.gets") || name.equals("swr.loads")
						|| name.equals("swr.refreshes.skipped") || name.equals("swr.refreshes.active")
						|| name.equals("swr.refreshes.stuck") || name.equals("swr.misses.refused")
						|| name.equals("swr.misses.active") || name.equals("swr.store.errors")
						|| name.equals("swr.size"));
			assertThat(registry.get("swr.gets").tags("cache", "products").meters()).extracting(
					(meter) -> meter.getId().getTag("status"))
				.containsExactlyInAnyOrder("hit", "stale", "miss", "expired", "fallback");
		});
	}

	/**
	 * A cold load that hangs and ignores its interrupt: the next cold key is refused, the waiting
	 * caller times out, and past refresh-timeout the hung load shows as stuck until it returns.
	 */
	@Test
	void coldLoadBoundsAndStuckLoadsAreMetered() {
		this.runner.withPropertyValues("swr.defaults.max-concurrent-misses=1", "swr.defaults.miss-timeout=100ms",
				"swr.defaults.refresh-timeout=200ms", "swr.defaults.expired-wait=0s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
				java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
				try {
					org.assertj.core.api.Assertions.assertThatExceptionOfType(dev.swr.core.SwrLoadTimeoutException.class)
						.isThrownBy(() -> cache.get("hangs", (key) -> {
							while (release.getCount() > 0) {
								try {
									release.await();
								}
								catch (InterruptedException ex) {
									// A source that ignores interrupts.
								}
							}
							return "late";
						}));
					org.assertj.core.api.Assertions.assertThatExceptionOfType(dev.swr.core.SwrLoadRejectedException.class)
						.isThrownBy(() -> cache.get("next", (key) -> "v"));
					assertThat(registry.get("swr.misses.refused").tags("cache", "products", "reason", "timeout")
						.functionCounter().count()).isEqualTo(1);
					assertThat(registry.get("swr.misses.refused").tags("cache", "products", "reason", "rejected")
						.functionCounter().count()).isEqualTo(1);
					assertThat(registry.get("swr.misses.active").tags("cache", "products").gauge().value()).isEqualTo(1);
					org.awaitility.Awaitility.await()
						.atMost(Duration.ofSeconds(10))
						.until(() -> registry.get("swr.refreshes.stuck").gauge().value() == 1);
				}
				finally {
					release.countDown();
				}
				org.awaitility.Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.until(() -> registry.get("swr.refreshes.stuck").gauge().value() == 0
							&& registry.get("swr.misses.active").gauge().value() == 0);
			});
	}

	@Test
	void bootsCacheMetersAppearForSwrCaches() {
		this.runner.run((context) -> {
			script(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("cache.gets").tags("cache", "products", "cache.manager", "swr", "result", "hit")
				.functionCounter().count()).as("served from the cache: hit, stale, fallback").isEqualTo(5);
			assertThat(registry.get("cache.gets").tags("cache", "products", "result", "miss").functionCounter().count())
				.isEqualTo(2);
			assertThat(registry.get("cache.puts").tags("cache", "products").functionCounter().count()).isEqualTo(2);
			assertThat(registry.get("cache.evictions").tags("cache", "products").functionCounter().count()).isEqualTo(1);
			assertThat(registry.get("cache.size").tags("cache", "products").gauge().value()).isEqualTo(1);
		});
	}

	@Test
	void breakerMetersComeFromResilience4jMicrometerTaggedWithTheBreakerName() {
		this.runner.run((context) -> {
			script(context);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("resilience4j.circuitbreaker.state").tags("name", "products", "state", "closed")
				.gauge().value()).isEqualTo(1);
			assertThat(registry.get("resilience4j.circuitbreaker.calls").tags("name", "products", "kind", "failed")
				.timer().count()).isEqualTo(1);
		});
	}

	@Test
	void loadTimesHavePercentilesFromBootsDistributionProperties() {
		this.runner.withPropertyValues("management.metrics.distribution.percentiles.swr.loads=0.5,0.99")
			.run((context) -> {
				script(context);
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("swr.loads.percentile").tags("trigger", "miss", "phi", "0.99").gauge())
					.isNotNull();
			});
	}

	@Test
	void withoutMicrometerTheCachesWorkUnmetered() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class,
					SwrMetricsAutoConfiguration.class))
			.withUserConfiguration(ClockConfiguration.class)
			.withClassLoader(new FilteredClassLoader("io.micrometer"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(SwrMetrics.class);
				assertThat(context.getBean(SwrCacheManager.class).getSwrCache("products").get("k", (key) -> "v"))
					.isEqualTo("v");
			});
	}

	@Test
	void withoutSpringBootCacheOnlyTheSwrMetersAreBound() {
		new ApplicationContextRunner().withConfiguration(METRICS)
			.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class,
					SwrMetricsAutoConfiguration.class))
			.withUserConfiguration(ClockConfiguration.class)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.cache"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.hasSingleBean(SwrMetrics.class)
					.doesNotHaveBean(SwrCacheMeterBinderProvider.class);
				context.getBean(SwrCacheManager.class).getSwrCache("products").get("k", (key) -> "v");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("swr.gets").tags("status", "miss").functionCounter().count()).isEqualTo(1);
				assertThat(registry.find("cache.gets").meters()).isEmpty();
			});
	}

	@Test
	void withoutResilience4jMicrometerThereAreNoBreakerMeters() {
		this.runner.withClassLoader(new FilteredClassLoader(TaggedCircuitBreakerMetrics.class)).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(SwrMetrics.class);
			script(context);
			assertThat(context.getBean(MeterRegistry.class).find("resilience4j.circuitbreaker.state").meters()).isEmpty();
		});
	}

	private static double gets(MeterRegistry registry, String status) {
		return registry.get("swr.gets").tags("cache", "products", "status", status).functionCounter().count();
	}

	private static java.util.Set<String> tagKeys(MeterRegistry registry, String name) {
		java.util.Set<String> keys = new java.util.HashSet<>();
		registry.get(name).meters().forEach((meter) -> meter.getId().getTags().forEach((tag) -> keys.add(tag.getKey())));
		return keys;
	}

	@Configuration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean
		ManualClock swrClock() {
			return new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
		}

		@Bean
		Executor swrRefreshExecutor() {
			return Runnable::run;
		}

	}

}
