package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.CoarseClock;
import dev.swr.core.LoggingErrorHandler;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrErrorHandler;
import dev.swr.core.SwrPolicy;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.JacksonJsonSerializer;
import dev.swr.core.serial.SwrSerializer;
import dev.swr.spring.aop.SwrAdvisor;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheManagerCustomizer;
import dev.swr.spring.web.SwrStatusHeaderFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every condition of the auto-configuration, both ways, and every property mistake failing startup
 * with the property's name.
 */
@ExtendWith(OutputCaptureExtension.class)
class SwrAutoConfigurationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class));

	@Test
	void defaultsCreateEveryBean() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(SwrEngine.class)
				.hasSingleBean(SwrCacheManager.class)
				.hasSingleBean(SwrAdvisor.class)
				.hasBean("swrClock")
				.hasBean("swrKeyGenerator");
			assertThat(context.getBean("swrClock")).isInstanceOf(CoarseClock.class);
			assertThat(context.getBean(SwrErrorHandler.class)).isInstanceOf(LoggingErrorHandler.class);
			assertThat(context.getBean(SwrSerializer.class)).isInstanceOf(JacksonJsonSerializer.class);
			assertThat(context).hasSingleBean(EnvelopeCodec.class).doesNotHaveBean(SwrStatusHeaderFilter.class);
		});
	}

	@Test
	void disabledRemovesEverything() {
		this.runner.withPropertyValues("swr.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SwrEngine.class)
				.doesNotHaveBean(SwrCacheManager.class)
				.doesNotHaveBean(SwrAdvisor.class)
				.doesNotHaveBean("swrClock");
		});
	}

	@Test
	void everyReplaceableBeanBacksOffForTheApplicationsOwn() {
		this.runner.withUserConfiguration(OwnBeansConfiguration.class).run((context) -> {
			assertThat(context.getBean("swrClock")).isSameAs(context.getBean(OwnBeansConfiguration.class).clock);
			assertThat(context.getBean("swrKeyGenerator")).isSameAs(OwnBeansConfiguration.KEYS);
			assertThat(context.getBean(SwrErrorHandler.class)).isSameAs(OwnBeansConfiguration.ERRORS);
			assertThat(context.getBean(SwrSerializer.class)).isSameAs(OwnBeansConfiguration.SERIALIZER);
			assertThat(context.getBean(SwrEngine.class).clock()).isSameAs(context.getBean("swrClock"));
		});
	}

	@Test
	void theApplicationsOwnEngineIsUsedAndOursIsNotCreated() {
		this.runner.withUserConfiguration(OwnEngineConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SwrEngine.class).hasBean("myEngine").doesNotHaveBean("swrEngine");
			SwrEngine own = context.getBean("myEngine", SwrEngine.class);
			assertThat(context.getBean(SwrCacheManager.class).getEngine()).isSameAs(own);
			assertThat(context.getBean(SwrCacheManager.class).getSwrCache("products").get("k", (key) -> "v"))
				.isEqualTo("v");
		});
	}

	@Test
	void refreshesRunOnTheSwrRefreshExecutorBeanWhenThereIsOne() {
		this.runner.withUserConfiguration(OwnExecutorConfiguration.class)
			.withBean("swrClock", dev.swr.core.ManualClock.class, dev.swr.core.ManualClock::new)
			.run((context) -> {
			var manager = context.getBean(SwrCacheManager.class);
			var cache = manager.getSwrCache("c");
			cache.put("k", "old");
			// The refresh must reach the application's executor: past the default fresh window of 1m.
			context.getBean("swrClock", dev.swr.core.ManualClock.class).advance(Duration.ofMinutes(2));
			cache.get("k", (key) -> "new");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(OwnExecutorConfiguration.executed).hasPositiveValue());
		});
	}

	@Test
	void customizersSeeTheManagerBeforeUse() {
		this.runner.withBean(SwrCacheManagerCustomizer.class,
				() -> (manager) -> manager.setPolicy("custom",
						dev.swr.core.SwrPolicy.builder().fresh(Duration.ofSeconds(7)).build()))
			.run((context) -> assertThat(
					context.getBean(SwrCacheManager.class).getSwrCache("custom").policy().windows().fresh())
				.isEqualTo(Duration.ofSeconds(7)));
	}

	@Test
	void statusHeaderFilterIsRegisteredInServletApplicationsOnly() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
			.run((context) -> assertThat(context).hasSingleBean(SwrStatusHeaderFilter.class));
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(jakarta.servlet.Filter.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SwrStatusHeaderFilter.class));
	}

	@Test
	void advisorOrderIsSettable() {
		this.runner.run((context) -> assertThat(context.getBean(SwrAdvisor.class).getOrder()).isEqualTo(Integer.MAX_VALUE));
		this.runner.withPropertyValues("swr.order=5")
			.run((context) -> assertThat(context.getBean(SwrAdvisor.class).getOrder()).isEqualTo(5));
	}

	@Test
	void startsAndCachesWithoutReactorOrServletOnTheClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(reactor.core.publisher.Mono.class, jakarta.servlet.Filter.class))
			.withBean(Plain.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Plain plain = context.getBean(Plain.class);
				assertThat(plain.value(1)).isSameAs(plain.value(1));
			});
	}

	public static class Plain {

		@dev.swr.spring.annotation.StaleWhileRevalidate(cache = "plain", key = "#id")
		public Object value(long id) {
			return new Object();
		}

	}

	@Test
	void negativeDefaultWindowFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.defaults.fresh=-5s")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("'fresh'"));
		this.runner.withPropertyValues("swr.defaults.fresh=-5s")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("swr.defaults"));
	}

	@Test
	void invalidCacheSettingsFailStartupNamingTheCache() {
		this.runner.withPropertyValues("swr.caches.products.expired-wait=20s")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.caches.products")
				.hasMessageContaining("'expired-wait'"));
		this.runner.withPropertyValues("swr.caches.products.maximum-size=0")
			.run((context) -> assertThat(context).getFailure().hasMessageContaining("swr.caches.products.maximum-size"));
	}

	@Test
	void coldLoadBoundsAreTheBuiltInDefaultsWhenUnset() {
		this.runner.run((context) -> {
			SwrPolicy policy = context.getBean(SwrCacheManager.class).getSwrCache("products").policy();
			assertThat(policy.missTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(policy.maxConcurrentMisses()).isEqualTo(32);
		});
	}

	@Test
	void coldLoadBoundsBindFromDefaultsAndACachesOwnSettingsWin() {
		this.runner
			.withPropertyValues("swr.defaults.miss-timeout=2s", "swr.defaults.max-concurrent-misses=8",
					"swr.caches.products.miss-timeout=750ms", "swr.caches.products.max-concurrent-misses=3")
			.run((context) -> {
				SwrCacheManager manager = context.getBean(SwrCacheManager.class);
				SwrPolicy products = manager.getSwrCache("products").policy();
				assertThat(products.missTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(products.maxConcurrentMisses()).isEqualTo(3);
				SwrPolicy other = manager.getSwrCache("other").policy();
				assertThat(other.missTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(other.maxConcurrentMisses()).isEqualTo(8);
			});
	}

	@Test
	void aCacheMaySetOneColdLoadBoundAndInheritTheOther() {
		this.runner.withPropertyValues("swr.defaults.miss-timeout=2s", "swr.caches.products.max-concurrent-misses=4")
			.run((context) -> {
				SwrPolicy products = context.getBean(SwrCacheManager.class).getSwrCache("products").policy();
				assertThat(products.missTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(products.maxConcurrentMisses()).isEqualTo(4);
			});
	}

	@Test
	void zeroMissTimeoutIsAcceptedAsNoBound() {
		this.runner.withPropertyValues("swr.defaults.miss-timeout=0")
			.run((context) -> assertThat(
					context.getBean(SwrCacheManager.class).getSwrCache("products").policy().missTimeout())
				.isZero());
	}

	@Test
	void badColdLoadBoundsFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.defaults.miss-timeout=-1s")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.defaults")
				.hasMessageContaining("'miss-timeout'"));
		this.runner.withPropertyValues("swr.defaults.max-concurrent-misses=0")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.defaults")
				.hasMessageContaining("'max-concurrent-misses'"));
		this.runner.withPropertyValues("swr.caches.products.miss-timeout=-250ms")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.caches.products")
				.hasMessageContaining("'miss-timeout'"));
		this.runner.withPropertyValues("swr.caches.products.max-concurrent-misses=-3")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.caches.products")
				.hasMessageContaining("'max-concurrent-misses'"));
	}

	@Test
	void badSerializerSizesFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.serializer.max-value-size=0")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.serializer.max-value-size must be positive but was 0B"));
		this.runner.withPropertyValues("swr.serializer.compression-threshold=-1KB")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining("swr.serializer.compression-threshold must not be negative but was -1024B"));
	}

	@Test
	void unparseableDurationFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.defaults.stale=ten minutes")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("swr.defaults.stale"));
	}

	@Test
	void unknownStoreFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.store=cassandra")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("swr.store"));
	}

	@Test
	void badRefreshBoundsFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.refresh.max-concurrent=0")
			.run((context) -> assertThat(context).getFailure().rootCause()
				.hasMessageContaining("'refresh.max-concurrent'"));
	}

	@Test
	void configuredCacheThatNoMethodUsesLogsAWarning(CapturedOutput output) {
		this.runner.withPropertyValues("swr.caches.prodcuts.fresh=10s").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("swr.caches.prodcuts is configured but no @StaleWhileRevalidate method uses");
		});
	}

	@Test
	void closingTheContextLeavesNoSwrThreadBehind() {
		this.runner.withPropertyValues("swr.refresh.shutdown-timeout=200ms")
			.withBean("swrClock", dev.swr.core.ManualClock.class, dev.swr.core.ManualClock::new)
			.run((context) -> {
			var cache = context.getBean(SwrCacheManager.class).getSwrCache("threads");
			cache.put("k", "old");
			context.getBean("swrClock", dev.swr.core.ManualClock.class).advance(Duration.ofMinutes(2));
			java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
			cache.get("k", (key) -> {
				running.countDown();
				new java.util.concurrent.CountDownLatch(1).await(); // a refresh that only ends when interrupted
				return "never";
			});
			running.await();
			assertThat(swrThreads()).isPositive();
		});
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(swrThreads()).isZero());
	}

	private static long swrThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("swr-"))
			.count();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeansConfiguration {

		static final KeyGenerator KEYS = (target, method, params) -> "key";

		static final SwrErrorHandler ERRORS = (cache, key, error) -> {
		};

		static final SwrSerializer SERIALIZER = new JacksonJsonSerializer();

		final java.time.InstantSource clock = java.time.InstantSource.system();

		@Bean
		java.time.InstantSource swrClock() {
			return this.clock;
		}

		@Bean
		KeyGenerator swrKeyGenerator() {
			return KEYS;
		}

		@Bean
		SwrErrorHandler myErrorHandler() {
			return ERRORS;
		}

		@Bean
		SwrSerializer mySerializer() {
			return SERIALIZER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEngineConfiguration {

		@Bean(destroyMethod = "close")
		SwrEngine myEngine() {
			return SwrEngine.builder().maxConcurrentRefreshes(2).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnExecutorConfiguration {

		static final AtomicInteger executed = new AtomicInteger();

		@Bean(destroyMethod = "shutdownNow")
		ExecutorService swrRefreshExecutor() {
			ExecutorService pool = Executors.newSingleThreadExecutor();
			return new java.util.concurrent.AbstractExecutorService() {

				@Override
				public void execute(Runnable command) {
					executed.incrementAndGet();
					pool.execute(command);
				}

				@Override
				public void shutdown() {
					pool.shutdown();
				}

				@Override
				public java.util.List<Runnable> shutdownNow() {
					return pool.shutdownNow();
				}

				@Override
				public boolean isShutdown() {
					return pool.isShutdown();
				}

				@Override
				public boolean isTerminated() {
					return pool.isTerminated();
				}

				@Override
				public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
					return pool.awaitTermination(timeout, unit);
				}

			};
		}

	}

}
