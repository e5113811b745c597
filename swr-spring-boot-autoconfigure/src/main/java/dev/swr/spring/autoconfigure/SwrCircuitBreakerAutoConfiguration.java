package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import dev.swr.core.SwrEngine;
import dev.swr.spring.cache.SwrCacheManagerCustomizer;
import dev.swr.spring.cache.SwrCircuitBreakers;

/**
 * Circuit breakers for the loads of every stale-while-revalidate cache
 * ({@code swr.circuit-breaker.*}). The application's {@link CircuitBreakerRegistry} bean is used
 * when there is one (resilience4j-spring-boot4 defines it from
 * {@code resilience4j.circuitbreaker.*}), so one place configures both; otherwise a registry of our
 * own, which is not a bean so it never stands in for the application's.
 */
@AutoConfiguration(after = SwrAutoConfiguration.class,
		afterName = "io.github.resilience4j.springboot.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration")
@ConditionalOnBean(SwrEngine.class)
@ConditionalOnBooleanProperty(name = "swr.circuit-breaker.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwrCircuitBreakerProperties.class)
public final class SwrCircuitBreakerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SwrCircuitBreakers swrCircuitBreakers(SwrCircuitBreakerProperties properties,
			ObjectProvider<CircuitBreakerRegistry> applicationRegistry, @Qualifier("swrClock") InstantSource swrClock) {
		CircuitBreakerRegistry registry = applicationRegistry.getIfUnique();
		if (registry != null) {
			return new SwrCircuitBreakers(registry, true, properties.getScope(), properties.getMaxBreakers());
		}
		return new SwrCircuitBreakers(CircuitBreakerRegistry.of(config(properties, swrClock)), false,
				properties.getScope(), properties.getMaxBreakers());
	}

	@Bean
	SwrCacheManagerCustomizer swrCircuitBreakerCustomizer(SwrCircuitBreakers swrCircuitBreakers) {
		return swrCircuitBreakers::applyTo;
	}

	/**
	 * Our breakers read the caches' clock, so a test's clock also moves them out of the open state.
	 * Slow calls are judged on the load durations the engine reports, not on this clock.
	 */
	static CircuitBreakerConfig config(SwrCircuitBreakerProperties properties, InstantSource clock) {
		// Checked here rather than left to Resilience4j, whose messages name its builder methods.
		float slowCallRate = properties.getSlowCallRateThreshold();
		if (!(slowCallRate > 0 && slowCallRate <= 100)) {
			throw new IllegalStateException(
					"swr.circuit-breaker.slow-call-rate-threshold must be in (0, 100] but was " + slowCallRate);
		}
		Duration slowCallDuration = properties.getSlowCallDurationThreshold();
		SettingChecks.requirePositive("swr.circuit-breaker.slow-call-duration-threshold", slowCallDuration);
		try {
			return CircuitBreakerConfig.custom()
				.failureRateThreshold(properties.getFailureRateThreshold())
				.slowCallRateThreshold(slowCallRate)
				.slowCallDurationThreshold(slowCallDuration)
				.slidingWindowSize(properties.getSlidingWindowSize())
				.minimumNumberOfCalls(properties.getMinimumNumberOfCalls())
				.waitDurationInOpenState(properties.getWaitDurationInOpenState())
				.permittedNumberOfCallsInHalfOpenState(properties.getPermittedCallsInHalfOpenState())
				.clock(clock.withZone(ZoneOffset.UTC))
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid swr.circuit-breaker.* setting: " + ex.getMessage(), ex);
		}
	}

}
