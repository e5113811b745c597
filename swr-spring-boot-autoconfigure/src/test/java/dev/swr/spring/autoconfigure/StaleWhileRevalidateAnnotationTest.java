package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The annotation path end to end in a context: proxies, keys, return types, statuses, windows.
 */
class StaleWhileRevalidateAnnotationTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
		.withPropertyValues("swr.defaults.jitter=0")
		.withUserConfiguration(CatalogConfiguration.class);

	@Test
	void annotatedMethodIsServedFromTheCacheAfterOneLoad() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(AopUtils.isAopProxy(catalog)).isTrue();
			assertThat(catalog.find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			assertThat(catalog.find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(catalog.find(2)).isEqualTo("product-2#2");
			assertThat(catalog.loads()).isEqualTo(2);
		});
	}

	@Test
	void staleValueIsServedWhileOneRefreshReplacesIt() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			ManualClock clock = context.getBean(ManualClock.class);
			catalog.find(1);
			clock.advance(Duration.ofSeconds(31));
			assertThat(catalog.find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
			org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
				assertThat(catalog.find(1)).isEqualTo("product-1#2");
				assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			});
		});
	}

	@Test
	void optionalFutureAndMonoReturnTypesAreCachedByTheirValue() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.findOptional(3)).contains("optional-3#1");
			assertThat(catalog.findOptional(3)).contains("optional-3#1");
			assertThat(catalog.findOptional(404)).isEmpty();
			assertThat(catalog.findOptional(404)).isEmpty();
			assertThat(catalog.findFuture(4).get()).isEqualTo("future-4#3");
			assertThat(catalog.findFuture(4).get()).isEqualTo("future-4#3");
			assertThat(catalog.findMono(5).block()).isEqualTo("mono-5#4");
			assertThat(catalog.findMono(5).block()).isEqualTo("mono-5#4");
			assertThat(catalog.loads()).isEqualTo(4);
		});
	}

	@Test
	void defaultKeyIsTheArguments() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.search("a", 1)).isEqualTo("a/1#1");
			assertThat(catalog.search("a", 1)).isEqualTo("a/1#1");
			assertThat(catalog.search("a", 2)).isEqualTo("a/2#2");
		});
	}

	@Test
	void conditionFalseBypassesTheCacheAndUnlessTrueDoesNotCache() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.conditional(-1)).isEqualTo("c-1#1");
			assertThat(catalog.conditional(-1)).isEqualTo("c-1#2");
			assertThat(catalog.unlessEmpty("")).isEqualTo("#3");
			assertThat(catalog.unlessEmpty("")).isEqualTo("#4");
			assertThat(catalog.unlessEmpty("x")).isEqualTo("x#5");
			assertThat(catalog.unlessEmpty("x")).isEqualTo("x#5");
		});
	}

	@Test
	void annotationWindowsApplyAndPropertiesOfTheCacheWinOverThem() {
		this.runner.withPropertyValues("swr.defaults.fresh=5s", "swr.caches.products.stale=2m").run((context) -> {
			var manager = context.getBean(dev.swr.spring.cache.SwrCacheManager.class);
			context.getBean(Catalog.class).find(1);
			var policy = manager.getSwrCache("products").policy();
			assertThat(policy.windows().fresh()).isEqualTo(Duration.ofSeconds(30));
			assertThat(policy.windows().stale()).isEqualTo(Duration.ofMinutes(2));
			assertThat(policy.windows().expired()).isEqualTo(Duration.ofHours(1));
			var other = manager.getSwrCache("search").policy();
			assertThat(other.windows().fresh()).isEqualTo(Duration.ofSeconds(5));
		});
	}

	@Test
	void keyExpressionsSeeTheRootObjectAndBeans() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.byRoot(1);
			catalog.byBean(1);
			var manager = context.getBean(dev.swr.spring.cache.SwrCacheManager.class);
			assertThat(manager.getSwrCache("rooted").getEntry("byRoot-1")).isNotNull();
			assertThat(manager.getSwrCache("beaned").getEntry("key-1")).isNotNull();
		});
	}

	@Test
	void storesAreToldTheGenericReturnTypeOfTheMethods() {
		java.util.Map<String, org.springframework.core.ResolvableType> types = new java.util.concurrent.ConcurrentHashMap<>();
		this.runner.withBean(dev.swr.spring.cache.SwrCacheManagerCustomizer.class, () -> (manager) -> manager
			.setStoreFactory((name, size, type) -> {
				types.put(name, type);
				return new dev.swr.core.MemoryStore<>(size, java.time.InstantSource.system());
			}))
			.run((context) -> {
				Catalog catalog = context.getBean(Catalog.class);
				catalog.names(1);
				catalog.findFuture(1).get();
				assertThat(types.get("names").toString()).isEqualTo("java.util.List<java.lang.String>");
				assertThat(types.get("futures").toString()).isEqualTo("java.lang.String");
			});
	}

	static class Catalog {

		final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@StaleWhileRevalidate(cache = "products", key = "#id", fresh = "30s", stale = "PT10M")
		public String find(long id) {
			return "product-" + id + "#" + this.loads.incrementAndGet();
		}

		@StaleWhileRevalidate(cache = "optional", key = "#p0")
		public Optional<String> findOptional(long id) {
			this.loads.incrementAndGet();
			return (id == 404) ? Optional.empty() : Optional.of("optional-" + id + "#" + this.loads.get());
		}

		@StaleWhileRevalidate(cache = "futures", key = "#id")
		public CompletableFuture<String> findFuture(long id) {
			return CompletableFuture.supplyAsync(() -> "future-" + id + "#" + this.loads.incrementAndGet());
		}

		@StaleWhileRevalidate(cache = "monos", key = "#id")
		public Mono<String> findMono(long id) {
			return Mono.fromSupplier(() -> "mono-" + id + "#" + this.loads.incrementAndGet());
		}

		@StaleWhileRevalidate(cache = "search")
		public String search(String text, int page) {
			return text + "/" + page + "#" + this.loads.incrementAndGet();
		}

		@StaleWhileRevalidate(cache = "rooted", key = "#root.methodName + '-' + #id")
		public String byRoot(long id) {
			return "r" + id;
		}

		@StaleWhileRevalidate(cache = "beaned", key = "@keys.of(#id)")
		public String byBean(long id) {
			return "b" + id;
		}

		@StaleWhileRevalidate(cache = "names", key = "#id")
		public java.util.List<String> names(long id) {
			return java.util.List.of("n" + id);
		}

		@StaleWhileRevalidate(cache = "conditional", key = "#id", condition = "#id > 0")
		public String conditional(long id) {
			return "c" + id + "#" + this.loads.incrementAndGet();
		}

		@StaleWhileRevalidate(cache = "unless", key = "#text", unless = "#result.startsWith('#')")
		public String unlessEmpty(String text) {
			return text + "#" + this.loads.incrementAndGet();
		}

	}

	public static class Keys {

		public String of(long id) {
			return "key-" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CatalogConfiguration {

		@Bean
		Catalog catalog() {
			return new Catalog();
		}

		@Bean
		Keys keys() {
			return new Keys();
		}

		@Bean
		ManualClock swrClock() {
			return new ManualClock();
		}

	}

}
