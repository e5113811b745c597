package dev.swr.spring.autoconfigure;

import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;
import org.springframework.boot.cache.metrics.CacheMetricsRegistrar;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.SwrEngine;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;
import dev.swr.spring.disk.DiskDatabase;
import dev.swr.spring.metrics.SwrCacheMeterBinderProvider;
import dev.swr.spring.metrics.SwrMetrics;

/**
 * Micrometer meters of stale-while-revalidate caches: the {@code swr.*} meters
 * ({@link SwrMetrics}), Spring Boot's {@code cache.*} meters when spring-boot-cache is present, and
 * the meters of our own circuit breakers when resilience4j-micrometer is present (an application's
 * own registry is metered by whatever defines it, such as resilience4j-spring-boot4).
 */
@AutoConfiguration(after = { SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
				"org.springframework.boot.cache.autoconfigure.metrics.CacheMetricsAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, SwrEngine.class })
public final class SwrMetricsAutoConfiguration {

	/** Also the engine's load listener, which times {@code swr.loads}. */
	@Bean
	SwrMetrics swrMetrics(@Qualifier("swrCacheManager") ObjectProvider<SwrCacheManager> swrCacheManager) {
		return new SwrMetrics(swrCacheManager::getObject);
	}

	/**
	 * The disk store's own: {@code swr.disk.size} (bytes its directory takes) and
	 * {@code swr.disk.recovered} (1 when the directory found at startup could not be opened and was
	 * moved aside, so the cache started empty).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.rocksdb.RocksDB")
	@ConditionalOnBean(DiskDatabase.class)
	static class DiskMetricsConfiguration {

		@Bean
		MeterBinder swrDiskMeters(DiskDatabase database) {
			return (registry) -> {
				Gauge.builder("swr.disk.size", database, DiskDatabase::sizeOnDisk)
					.description("Bytes the disk store's directory takes")
					.baseUnit("bytes")
					.register(registry);
				Gauge.builder("swr.disk.recovered", database, (db) -> db.openedAfterRecovery() ? 1 : 0)
					.description("1 when the disk store's directory could not be opened at startup and was moved aside")
					.register(registry);
			};
		}

	}

	/** Boot's {@code cache.gets}, {@code cache.puts}, {@code cache.evictions} for swr caches. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CacheMeterBinderProvider.class)
	static class SpringCacheMetricsConfiguration {

		@Bean
		SwrCacheMeterBinderProvider swrCacheMeterBinderProvider() {
			return new SwrCacheMeterBinderProvider();
		}

		/**
		 * Boot binds the caches that exist at startup; ours are created on first use, so each is
		 * bound when created, tagged as Boot tags the caches of bean {@code swrCacheManager}.
		 */
		@Bean
		MeterBinder swrSpringCacheMeters(@Qualifier("swrCacheManager") ObjectProvider<SwrCacheManager> swrCacheManager,
				ObjectProvider<CacheMetricsRegistrar> registrar) {
			return (registry) -> registrar.ifAvailable((available) -> swrCacheManager.getObject()
				.addCacheListener((cache) -> available.bindCacheToRegistry(cache, Tag.of("cache.manager", "swr"))));
		}

	}

	/** {@code resilience4j.circuitbreaker.*} meters, tagged {@code name=<cache>}, for our own registry. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TaggedCircuitBreakerMetrics.class)
	@ConditionalOnBean(SwrCircuitBreakers.class)
	static class CircuitBreakerMetricsConfiguration {

		@Bean
		MeterBinder swrCircuitBreakerMeters(SwrCircuitBreakers breakers) {
			return (registry) -> {
				if (!breakers.isApplicationRegistry()) {
					TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers.registry()).bindTo(registry);
				}
			};
		}

	}

}
