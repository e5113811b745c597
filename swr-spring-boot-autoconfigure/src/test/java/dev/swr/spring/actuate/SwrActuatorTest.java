package dev.swr.spring.actuate;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.ManualClock;
import dev.swr.core.MemoryStore;
import dev.swr.core.SwrCache;
import dev.swr.spring.ForwardingStore;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrCircuitBreakerAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrEndpointAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrHealthContributorAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheManagerCustomizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The {@code swr} endpoint (counts, policy, breaker; clear and evict with the key converted to the
 * cache's key type; never a value) and the {@code swr} health contributor (always UP; store
 * reachability and breaker states in the details); both absent without Actuator.
 */
class SwrActuatorTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class,
				SwrEndpointAutoConfiguration.class, SwrHealthContributorAutoConfiguration.class))
		.withUserConfiguration(CatalogConfiguration.class)
		.withPropertyValues("management.endpoints.web.exposure.include=swr", "swr.caches.products.fresh=30s");

	@Test
	void endpointListsEachCacheWithStorePolicyCountsAndBreakerButNoValue() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(42L);
			catalog.find(42L);
			SwrEndpoint endpoint = context.getBean(SwrEndpoint.class);
			SwrEndpoint.CacheDescriptor products = endpoint.caches().caches().get("products");
			assertThat(products.store()).isEqualTo("memory");
			assertThat(products.size()).isEqualTo(1);
			assertThat(products.policy().fresh()).isEqualTo("PT30S");
			assertThat(products.policy().missTimeout()).isEqualTo("PT5S");
			assertThat(products.policy().maxConcurrentMisses()).isEqualTo(32);
			assertThat(products.misses()).isEqualTo(new SwrEndpoint.MissesDescriptor(0, 0, 0));
			assertThat(products.gets()).containsEntry("miss", 1L).containsEntry("hit", 1L).containsEntry("stale", 0L);
			assertThat(products.loads().get("miss")).containsEntry("success", 1L);
			assertThat(products.skips()).containsEntry("circuit_open", 0L);
			assertThat(products.storeErrors()).isEmpty();
			assertThat(products.circuitBreaker().state()).isEqualTo("CLOSED");
			assertThat(products.toString()).doesNotContain("secret-42");
			assertThat(endpoint.cache("products")).isEqualTo(products);
			assertThat(endpoint.cache("unknown")).isNull();
		});
	}

	@Test
	void evictConvertsTheKeyToTheTypeOfTheKeyParameter() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(42L);
			SwrEndpoint endpoint = context.getBean(SwrEndpoint.class);
			SwrEndpoint.EvictionDescriptor evicted = endpoint.evict("products", "42");
			assertThat(evicted).isEqualTo(new SwrEndpoint.EvictionDescriptor("products", "42", "java.lang.Long", true));
			catalog.find(42L);
			assertThat(catalog.loads()).as("the evicted key was loaded again").isEqualTo(2);
			assertThat(endpoint.evict("products", "7").present()).isFalse();
			assertThat(endpoint.evict("unknown", "7")).isNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.evict("products", "not-a-number"))
				.withMessageContaining("products")
				.withMessageContaining("Long")
				.satisfies((ex) -> assertThat(ex.getReason())
					.isEqualTo("Key 'not-a-number' of cache 'products' is not a Long"));
		});
	}

	@Test
	void clearEmptiesOneCache() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1L);
			catalog.find(2L);
			SwrEndpoint endpoint = context.getBean(SwrEndpoint.class);
			assertThat(endpoint.clear("products")).isTrue();
			assertThat(endpoint.cache("products").size()).isZero();
			assertThat(endpoint.clear("unknown")).isFalse();
		});
	}

	@Test
	void healthStaysUpWithAnOpenBreakerAndShowsItsState() {
		this.runner.run((context) -> {
			context.getBean(Catalog.class).find(1L);
			SwrCache<Object, Object> products = context.getBean(SwrCacheManager.class).getSwrCache("products");
			products.inspect().circuitBreaker().transitionToOpenState();
			Health health = context.getBean("swrHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(cacheDetails(health, "products")).containsEntry("circuitBreaker", "OPEN")
				.containsEntry("store", "memory")
				.containsEntry("reachable", true);
			assertThat(context.getBean(SwrEndpoint.class).cache("products").circuitBreaker().state()).isEqualTo("OPEN");
		});
	}

	@Test
	void healthStaysUpWithAnUnreachableStoreAndSaysSo() {
		this.runner.withUserConfiguration(UnreachableStoreConfiguration.class).run((context) -> {
			context.getBean(Catalog.class).find(1L);
			Health health = context.getBean("swrHealthIndicator", HealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(cacheDetails(health, "products")).containsEntry("reachable", false)
				.containsEntry("store", "unreachable");
		});
	}

	@Test
	void healthShowsPerKeyBreakerStatesByCount() {
		this.runner.withPropertyValues("swr.circuit-breaker.scope=key").run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1L);
			catalog.find(2L);
			SwrCache<Object, Object> products = context.getBean(SwrCacheManager.class).getSwrCache("products");
			products.inspect().circuitBreakerFor(2L).transitionToOpenState();
			Health health = context.getBean("swrHealthIndicator", HealthIndicator.class).health();
			assertThat(cacheDetails(health, "products").get("circuitBreakers"))
				.isEqualTo(Map.of("CLOSED", 1L, "OPEN", 1L));
			SwrEndpoint.CircuitBreakerDescriptor breaker = context.getBean(SwrEndpoint.class)
				.cache("products")
				.circuitBreaker();
			assertThat(breaker.scope()).isEqualTo("key");
			assertThat(breaker.keyStates()).isEqualTo(Map.of("CLOSED", 1L, "OPEN", 1L));
		});
	}

	@Test
	void endpointIsAbsentUnlessExposed() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, SwrEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(SwrEndpoint.class));
	}

	@Test
	void healthContributorCanBeDisabled() {
		this.runner.withPropertyValues("management.health.swr.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SwrHealthIndicator.class));
	}

	@Test
	void withoutActuatorTheAppStartsAndCachesWork() {
		this.runner
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health"))
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(SwrEndpoint.class)
					.doesNotHaveBean(SwrHealthIndicator.class);
				assertThat(context.getBean(Catalog.class).find(3L)).isEqualTo("secret-3");
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> cacheDetails(Health health, String cache) {
		return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("caches")).get(cache);
	}

	@Configuration(proxyBeanMethods = false)
	static class CatalogConfiguration {

		@Bean
		ManualClock swrClock() {
			return new ManualClock(Instant.parse("2026-11-25T10:00:00Z"));
		}

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

	}

	/** Keys are {@code long}s, as in the sample app; public for the proxy in a filtered class loader. */
	public static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public String find(long id) {
			this.loads.incrementAndGet();
			return "secret-" + id;
		}

		public int loads() {
			return this.loads.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnreachableStoreConfiguration {

		@Bean
		SwrCacheManagerCustomizer unreachableStore(ManualClock swrClock) {
			return (manager) -> manager.setStoreFactory((name, size, type) -> new UnreachableStore(swrClock));
		}

	}

	/** A store that works but says it cannot reach its server, as a Redis store with Redis down would. */
	static final class UnreachableStore extends ForwardingStore {

		UnreachableStore(ManualClock clock) {
			super(new MemoryStore<>(100, clock));
		}

		@Override
		public boolean isReachable() {
			return false;
		}

		@Override
		public String kind() {
			return "unreachable";
		}

	}

}
