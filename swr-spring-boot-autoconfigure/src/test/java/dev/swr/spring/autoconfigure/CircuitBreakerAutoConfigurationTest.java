package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.ManualClock;
import dev.swr.core.SkipReason;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrCircuitOpenException;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code swr.circuit-breaker.*}: a Resilience4j breaker per cache (or per key) that opens after the
 * configured failures, serves as the contract says while open, and closes again through half-open;
 * an application's own {@link CircuitBreakerRegistry} is used when there is one. Our breakers read
 * the {@code swrClock}, so the open state passes by advancing a {@link ManualClock}.
 */
class CircuitBreakerAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class))
		.withUserConfiguration(ClockConfiguration.class)
		.withPropertyValues("swr.defaults.fresh=10s", "swr.defaults.stale=1m", "swr.defaults.expired=1h",
				"swr.defaults.expired-wait=0s", "swr.defaults.jitter=0",
				"swr.circuit-breaker.minimum-number-of-calls=2", "swr.circuit-breaker.sliding-window-size=2",
				"swr.circuit-breaker.failure-rate-threshold=50", "swr.circuit-breaker.wait-duration-in-open-state=30s",
				"swr.circuit-breaker.permitted-calls-in-half-open-state=2");

	private final AtomicInteger loads = new AtomicInteger();

	private Object fail(Object key) {
		this.loads.incrementAndGet();
		throw new IllegalStateException("upstream down");
	}

	private Object load(Object key) {
		this.loads.incrementAndGet();
		return key + "-v" + this.loads.get();
	}

	private Object loadSlowly(Object key) throws InterruptedException {
		Thread.sleep(5);
		return load(key);
	}

	@Test
	void eachCacheGetsABreakerNamedAfterItFromOurOwnRegistry() {
		this.runner.run((context) -> {
			SwrCache<Object, Object> products = context.getBean(SwrCacheManager.class).getSwrCache("products");
			CircuitBreaker breaker = products.inspect().circuitBreaker();
			assertThat(breaker).isNotNull();
			assertThat(breaker.getName()).isEqualTo("products");
			CircuitBreakerConfig config = breaker.getCircuitBreakerConfig();
			assertThat(config.getMinimumNumberOfCalls()).isEqualTo(2);
			assertThat(config.getSlidingWindowSize()).isEqualTo(2);
			assertThat(config.getFailureRateThreshold()).isEqualTo(50f);
			assertThat(config.getPermittedNumberOfCallsInHalfOpenState()).isEqualTo(2);
			assertThat(context.getBean(SwrCircuitBreakers.class).isApplicationRegistry()).isFalse();
			assertThat(context).doesNotHaveBean(CircuitBreakerRegistry.class);
		});
	}

	@Test
	void slowCallSettingsDefaultToFiveSecondsAndFiftyPercent() {
		this.runner.run((context) -> {
			CircuitBreakerConfig config = context.getBean(SwrCacheManager.class)
				.getSwrCache("products")
				.inspect()
				.circuitBreaker()
				.getCircuitBreakerConfig();
			assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofSeconds(5));
			assertThat(config.getSlowCallRateThreshold()).isEqualTo(50f);
		});
	}

	@Test
	void slowCallSettingsReachTheBreaker() {
		this.runner
			.withPropertyValues("swr.circuit-breaker.slow-call-duration-threshold=750ms",
					"swr.circuit-breaker.slow-call-rate-threshold=80")
			.run((context) -> {
				CircuitBreakerConfig config = context.getBean(SwrCacheManager.class)
					.getSwrCache("products")
					.inspect()
					.circuitBreaker()
					.getCircuitBreakerConfig();
				assertThat(config.getSlowCallDurationThreshold()).isEqualTo(Duration.ofMillis(750));
				assertThat(config.getSlowCallRateThreshold()).isEqualTo(80f);
			});
	}

	@Test
	void breakerOpensAfterEnoughSlowSuccessfulLoadsAndRefusesTheNextColdKey() {
		// Slowness is judged on the load durations the engine measures (System.nanoTime), so the
		// loads really take longer than the threshold: 5 ms against 1 ms.
		this.runner.withPropertyValues("swr.circuit-breaker.slow-call-duration-threshold=1ms",
				"swr.circuit-breaker.slow-call-rate-threshold=50")
			.run((context) -> {
				SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
				assertThat(cache.get("slow-1", this::loadSlowly)).isEqualTo("slow-1-v1");
				assertThat(cache.get("slow-2", this::loadSlowly)).isEqualTo("slow-2-v2");
				CircuitBreaker breaker = cache.inspect().circuitBreaker();
				assertThat(breaker.getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(breaker.getMetrics().getNumberOfSlowSuccessfulCalls()).isEqualTo(2);
				assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

				assertThatExceptionOfType(SwrCircuitOpenException.class)
					.isThrownBy(() -> cache.get("cold", this::loadSlowly));
				assertThat(this.loads.get()).as("no load reached the slow source once open").isEqualTo(2);
				// What was loaded is served as usual.
				assertThat(cache.get("slow-1", this::loadSlowly)).isEqualTo("slow-1-v1");
			});
	}

	@Test
	void loadsFasterThanTheSlowCallThresholdLeaveTheBreakerClosed() {
		this.runner.run((context) -> {
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			cache.get("fast-1", this::load);
			cache.get("fast-2", this::load);
			CircuitBreaker breaker = cache.inspect().circuitBreaker();
			assertThat(breaker.getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(2);
			assertThat(breaker.getMetrics().getNumberOfSlowCalls()).isZero();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void breakerOpensAfterTheConfiguredFailuresAndThenServesStaleWithoutRefreshFallbackAndRefusal() {
		this.runner.run((context) -> {
			ManualClock clock = context.getBean(ManualClock.class);
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			cache.put("cached", "old");
			failTwice(cache);
			assertThat(cache.inspect().circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
			int loadsWhenOpened = this.loads.get();

			clock.advance(Duration.ofSeconds(10));
			SwrResult<Object> stale = cache.getWithStatus("cached", this::load);
			assertThat(stale.status()).isEqualTo(SwrStatus.STALE);
			assertThat(stale.value()).isEqualTo("old");
			assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).isEqualTo(1);

			clock.advance(Duration.ofSeconds(19));
			assertThat(cache.getWithStatus("cached", this::load).status()).isEqualTo(SwrStatus.STALE);
			assertThat(cache.inspect().circuitBreaker().getState()).as("29s after opening").isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(cache.stats().skips(SkipReason.CIRCUIT_OPEN)).isEqualTo(2);
			assertThat(this.loads.get()).as("no load reached the source while open").isEqualTo(loadsWhenOpened);
		});
	}

	@Test
	void openBreakerServesAnExpiredValueAsFallbackAndRefusesAKeyWithNothingCached() {
		this.runner.run((context) -> {
			ManualClock clock = context.getBean(ManualClock.class);
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			cache.put("cached", "old");
			clock.advance(Duration.ofSeconds(70));
			failTwice(cache);
			int loadsWhenOpened = this.loads.get();

			SwrResult<Object> expired = cache.getWithStatus("cached", this::load);
			assertThat(expired.status()).isEqualTo(SwrStatus.FALLBACK);
			assertThat(expired.value()).isEqualTo("old");

			assertThatExceptionOfType(SwrCircuitOpenException.class)
				.isThrownBy(() -> cache.get("never-cached", this::load))
				.satisfies((ex) -> {
					assertThat(ex.cacheName()).isEqualTo("products");
					assertThat(ex.state()).isEqualTo(CircuitBreaker.State.OPEN);
				});
			assertThat(this.loads.get()).isEqualTo(loadsWhenOpened);
		});
	}

	@Test
	void halfOpenLetsTheConfiguredTrialLoadsThroughAndClosesWhenTheySucceed() {
		this.runner.run((context) -> {
			ManualClock clock = context.getBean(ManualClock.class);
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			failTwice(cache);
			CircuitBreaker breaker = cache.inspect().circuitBreaker();
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);

			// Resilience4j leaves the open state strictly after the wait duration.
			clock.advance(Duration.ofSeconds(30).plusMillis(1));
			assertThat(cache.get("trial-1", this::load)).isEqualTo("trial-1-v3");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
			assertThat(cache.get("trial-2", this::load)).isEqualTo("trial-2-v4");
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		});
	}

	@Test
	void aFailedTrialLoadOpensTheBreakerAgain() {
		this.runner.run((context) -> {
			ManualClock clock = context.getBean(ManualClock.class);
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			failTwice(cache);
			clock.advance(Duration.ofSeconds(30).plusMillis(1));
			failTwice(cache);
			assertThat(cache.inspect().circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
		});
	}

	@Test
	void scopeKeyGivesEachKeyItsOwnBreakerInABoundedMap() {
		this.runner.withPropertyValues("swr.circuit-breaker.scope=key", "swr.circuit-breaker.max-breakers=3")
			.run((context) -> {
				SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
				assertThat(cache.inspect().circuitBreaker()).isNull();
				failTwice(cache, "down");
				assertThat(cache.inspect().circuitBreakerFor("down").getState()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThat(cache.inspect().circuitBreakerFor("down").getName()).isEqualTo("products:down");
				assertThat(cache.get("up", this::load)).isEqualTo("up-v3");
				for (int i = 0; i < 10; i++) {
					cache.get("key-" + i, this::load);
				}
				assertThat(context.getBean(SwrCircuitBreakers.class).keyBreakers("products")).hasSizeLessThanOrEqualTo(3);
			});
	}

	@Test
	void theApplicationsRegistryIsUsedInsteadOfOurs() {
		this.runner.withUserConfiguration(ApplicationRegistryConfiguration.class).run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
			assertThat(cache.inspect().circuitBreaker()).isSameAs(registry.circuitBreaker("products"));
			assertThat(cache.inspect().circuitBreaker().getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(7);
			assertThat(context.getBean(SwrCircuitBreakers.class).isApplicationRegistry()).isTrue();
		});
	}

	@Test
	void resilience4jSpringBootInstancesConfigureTheCachesBreaker() {
		this.runner.withConfiguration(AutoConfigurations.of(CircuitBreakerAutoConfiguration.class))
			.withPropertyValues("resilience4j.circuitbreaker.instances.products.minimum-number-of-calls=5",
					"resilience4j.circuitbreaker.instances.products.failure-rate-threshold=25")
			.run((context) -> {
				assertThat(context).hasSingleBean(CircuitBreakerRegistry.class);
				SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("products");
				CircuitBreaker breaker = cache.inspect().circuitBreaker();
				assertThat(breaker).isSameAs(context.getBean(CircuitBreakerRegistry.class).circuitBreaker("products"));
				assertThat(breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()).isEqualTo(5);
				assertThat(breaker.getCircuitBreakerConfig().getFailureRateThreshold()).isEqualTo(25f);
			});
	}

	@Test
	void withoutTheResilience4jBootModuleOurOwnRegistryServes() {
		this.runner.withClassLoader(new FilteredClassLoader("io.github.resilience4j.springboot"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(CircuitBreakerRegistry.class);
				assertThat(context.getBean(SwrCacheManager.class).getSwrCache("products").inspect().circuitBreaker())
					.isNotNull();
			});
	}

	@Test
	void disabledLeavesLoadsUnguarded() {
		this.runner.withPropertyValues("swr.circuit-breaker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SwrCircuitBreakers.class);
			assertThat(context.getBean(SwrCacheManager.class).getSwrCache("products").inspect().circuitBreaker()).isNull();
		});
	}

	@Test
	void anInvalidSettingFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.circuit-breaker.failure-rate-threshold=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("Invalid swr.circuit-breaker.* setting")
				.hasStackTraceContaining("failureRateThreshold");
		});
	}

	@Test
	void aSlowCallRateOutsideZeroToAHundredFailsStartupNamingTheProperty() {
		for (String rate : new String[] { "0", "-5", "100.5" }) {
			this.runner.withPropertyValues("swr.circuit-breaker.slow-call-rate-threshold=" + rate)
				.run((context) -> assertThat(context).getFailure()
					.hasStackTraceContaining("swr.circuit-breaker.slow-call-rate-threshold must be in (0, 100]"));
		}
		this.runner.withPropertyValues("swr.circuit-breaker.slow-call-rate-threshold=100")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void aSlowCallDurationThatIsNotPositiveFailsStartupNamingTheProperty() {
		for (String duration : new String[] { "0", "-1s" }) {
			this.runner.withPropertyValues("swr.circuit-breaker.slow-call-duration-threshold=" + duration)
				.run((context) -> assertThat(context).getFailure()
					.hasStackTraceContaining("swr.circuit-breaker.slow-call-duration-threshold must be positive"));
		}
	}

	private void failTwice(SwrCache<Object, Object> cache) {
		failTwice(cache, "missing");
	}

	private void failTwice(SwrCache<Object, Object> cache, String key) {
		for (int i = 0; i < 2; i++) {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> cache.get(key, this::fail));
		}
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

	@Configuration(proxyBeanMethods = false)
	static class ApplicationRegistryConfiguration {

		@Bean
		CircuitBreakerRegistry applicationCircuitBreakerRegistry() {
			return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom().minimumNumberOfCalls(7).build());
		}

	}

}
