package dev.swr.spring.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.swr.core.SwrEngine;
import dev.swr.spring.actuate.SwrEndpoint;
import dev.swr.spring.actuate.SwrEndpointWebExtension;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCircuitBreakers;

/**
 * The {@code swr} Actuator endpoint, when Actuator is present and the endpoint is available. The
 * endpoint conditions sit on a nested class so they are not even loaded without Actuator.
 */
@AutoConfiguration(after = { SwrAutoConfiguration.class, SwrCircuitBreakerAutoConfiguration.class })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(SwrEngine.class)
@Import(SwrEndpointAutoConfiguration.EndpointConfiguration.class)
public final class SwrEndpointAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(SwrEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SwrEndpoint swrEndpoint(@Qualifier("swrCacheManager") SwrCacheManager swrCacheManager,
				ObjectProvider<SwrCircuitBreakers> circuitBreakers) {
			return new SwrEndpoint(swrCacheManager, circuitBreakers.getIfAvailable());
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(SwrEndpoint.class)
		@ConditionalOnAvailableEndpoint(endpoint = SwrEndpoint.class, exposure = EndpointExposure.WEB)
		SwrEndpointWebExtension swrEndpointWebExtension(SwrEndpoint swrEndpoint) {
			return new SwrEndpointWebExtension(swrEndpoint);
		}

	}

}
