package dev.swr.benchmarks.loadtest;

import java.time.InstantSource;

import org.springframework.cache.support.NoOpCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Added to the sample app by load.sh for its caching-off run. With {@code swr.enabled=false} the
 * library defines neither {@code swrClock} nor {@code swrCacheManager}, yet the sample asks for both
 * by name ({@code Upstream}'s clock; {@code @CacheEvict(cacheManager = "swrCacheManager")} under
 * {@code @EnableCaching}), so it would not start. These stand-ins cache nothing.
 */
@Configuration(proxyBeanMethods = false)
public class CachingOffBeans {

	@Bean
	InstantSource swrClock() {
		return InstantSource.system();
	}

	@Bean
	NoOpCacheManager swrCacheManager() {
		return new NoOpCacheManager();
	}

}
