package dev.swr.sample;

import java.time.InstantSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.cache.CacheManager;
import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With {@code --swr.enabled=false} the library adds no beans, so the sample supplies the two it
 * refers to by name: a system clock for the upstream's timestamps, and a cache manager that caches
 * nothing for {@code @CacheEvict}. Every request then reaches the upstream: the baseline of the
 * load test.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "swr.enabled", havingValue = false)
class CachingOffConfiguration {

	@Bean
	InstantSource swrClock() {
		return InstantSource.system();
	}

	@Bean
	CacheManager swrCacheManager() {
		return new NoOpCacheManager();
	}

}
