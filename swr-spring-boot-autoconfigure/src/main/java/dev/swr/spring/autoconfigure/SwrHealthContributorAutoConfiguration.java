package dev.swr.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.swr.core.SwrEngine;
import dev.swr.spring.actuate.SwrHealthIndicator;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;

/**
 * Health contributor {@code swr} ({@code management.health.swr.enabled}), when Spring Boot's
 * health support is present. It is always UP and shows store reachability and breaker states. The
 * health condition sits on a nested class so it is not even loaded without spring-boot-health.
 */
@AutoConfiguration(after = { SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class })
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SwrEngine.class)
@Import(SwrHealthContributorAutoConfiguration.HealthConfiguration.class)
public final class SwrHealthContributorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnEnabledHealthIndicator("swr")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "swrHealthIndicator")
		SwrHealthIndicator swrHealthIndicator(@Qualifier("swrCacheManager") SwrCacheManager swrCacheManager,
				ObjectProvider<SwrCircuitBreakers> circuitBreakers) {
			return new SwrHealthIndicator(swrCacheManager, circuitBreakers.getIfAvailable());
		}

	}

}
