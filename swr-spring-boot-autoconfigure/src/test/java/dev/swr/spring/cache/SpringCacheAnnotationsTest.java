package dev.swr.spring.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.SwrStatus;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring's own caching annotations on {@code swrCacheManager}: what {@code CacheAspectSupport}
 * makes of each {@link SwrSpringCache} answer, end to end.
 */
class SpringCacheAnnotationsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void aCompletableFutureCacheableMethodWhoseNullIsCachedIsNotCalledAgain() {
		this.runner.run((context) -> {
			Lookups lookups = context.getBean(Lookups.class);
			assertThat(lookups.findAsync("absent").join()).isNull();
			assertThat(lookups.findAsync("absent").join()).isNull();
			assertThat(lookups.calls()).as("the cached null answered the second call").isEqualTo(1);
		});
	}

	@Test
	void aSyncCacheableMethodRecordsTheStatusOfEachCallForTheStatusHeader() {
		this.runner.run((context) -> {
			Lookups lookups = context.getBean(Lookups.class);
			SwrStatus.resetTracking();
			assertThat(lookups.findSync("42")).isEqualTo("found-42");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			assertThat(lookups.findSync("42")).isEqualTo("found-42");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(lookups.calls()).isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

		@Bean
		Lookups lookups() {
			return new Lookups();
		}

	}

	static class Lookups {

		private final AtomicInteger calls = new AtomicInteger();

		/** Through the proxy, which has fields of its own. */
		public int calls() {
			return this.calls.get();
		}

		@Cacheable(cacheNames = "lookups", sync = true)
		public String findSync(String id) {
			this.calls.incrementAndGet();
			return "found-" + id;
		}

		@Cacheable("lookups")
		public CompletableFuture<String> findAsync(String id) {
			this.calls.incrementAndGet();
			return CompletableFuture.completedFuture(null);
		}

	}

}
