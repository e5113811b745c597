package dev.swr.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;

import dev.swr.core.SwrEngine;
import dev.swr.core.SwrTtlPolicy;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheManagerCustomizer;
import dev.swr.spring.cache.SwrStoreFactory;

/**
 * The {@code swrCacheManager} bean, in one of two forms so adding the starter never breaks an app:
 * <ul>
 * <li>{@link Primary}: no other {@link CacheManager} and no {@code spring.cache.type}; ours is an
 * ordinary bean and so also serves {@code @Cacheable};</li>
 * <li>{@link Additional}: the app has its own cache manager, or asks Boot for one with
 * {@code spring.cache.type}; ours is not a default candidate, so injection by type and Boot's cache
 * auto-configuration ignore it and the app's manager stays the one {@code @Cacheable} uses, with
 * no ambiguity. Use ours by name: {@code cacheManager = "swrCacheManager"}.</li>
 * </ul>
 */
final class SwrCacheManagerConfigurations {

	private SwrCacheManagerConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoOtherCacheManager.class)
	static class Primary {

		@Bean
		SwrCacheManager swrCacheManager(SwrProperties properties, SwrEngine engine, ObjectProvider<SwrTtlPolicy> ttlPolicy,
				ObjectProvider<SwrStoreFactory> storeFactory, ObjectProvider<SwrCacheManagerCustomizer> customizers) {
			return SwrAutoConfiguration.cacheManager(properties, engine, ttlPolicy, storeFactory, customizers);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(OtherCacheManager.class)
	static class Additional {

		@Bean(defaultCandidate = false)
		SwrCacheManager swrCacheManager(SwrProperties properties, SwrEngine engine, ObjectProvider<SwrTtlPolicy> ttlPolicy,
				ObjectProvider<SwrStoreFactory> storeFactory, ObjectProvider<SwrCacheManagerCustomizer> customizers) {
			return SwrAutoConfiguration.cacheManager(properties, engine, ttlPolicy, storeFactory, customizers);
		}

	}

	/** Neither an application cache manager nor {@code spring.cache.type}. */
	static class NoOtherCacheManager extends NoneNestedConditions {

		NoOtherCacheManager() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(CacheManager.class)
		static class HasCacheManager {

		}

		@ConditionalOnProperty("spring.cache.type")
		static class HasCacheType {

		}

	}

	/** The negation of {@link NoOtherCacheManager}. */
	static class OtherCacheManager extends org.springframework.boot.autoconfigure.condition.AnyNestedCondition {

		OtherCacheManager() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(CacheManager.class)
		static class HasCacheManager {

		}

		@ConditionalOnProperty("spring.cache.type")
		static class HasCacheType {

		}

	}

}
