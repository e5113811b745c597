package dev.swr.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.interceptor.CacheInterceptor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Adding the starter never breaks an application's own caching: the three cases of DESIGN.md
 * ("Spring Cache interplay"), each with {@code @EnableCaching} and Boot's cache auto-configuration.
 */
class CacheManagerInterplayTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class);

	@Test
	void withNoOtherCacheManagerOursServesCacheable() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(CacheManager.class)).containsOnlyKeys("swrCacheManager");
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(SwrCacheManager.class);
			assertThat(cacheManagerUsedByCacheable(context)).isInstanceOf(SwrCacheManager.class);
		});
	}

	@Test
	void withTheApplicationsOwnCacheManagerThatOneStaysTheOneCacheableUses() {
		this.runner.withUserConfiguration(OwnCacheManagerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeansOfType(CacheManager.class)).containsOnlyKeys("appCacheManager",
					"swrCacheManager");
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(cacheManagerUsedByCacheable(context)).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(context.getBean("swrCacheManager")).isInstanceOf(SwrCacheManager.class);
		});
	}

	@Test
	void withSpringCacheTypeSetBootsCacheManagerStaysTheOneCacheableUses() {
		this.runner.withPropertyValues("spring.cache.type=simple").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(cacheManagerUsedByCacheable(context)).isInstanceOf(ConcurrentMapCacheManager.class);
			assertThat(context.getBean("swrCacheManager")).isInstanceOf(SwrCacheManager.class);
		});
	}

	private static CacheManager cacheManagerUsedByCacheable(
			org.springframework.boot.test.context.assertj.AssertableApplicationContext context) {
		CacheInterceptor interceptor = context.getBean(CacheInterceptor.class);
		var resolver = (org.springframework.cache.interceptor.AbstractCacheResolver) interceptor.getCacheResolver();
		return resolver.getCacheManager();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManagerConfiguration {

		@Bean
		CacheManager appCacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
