package dev.swr.spring.autoconfigure;

import java.time.InstantSource;
import java.util.UUID;
import java.util.concurrent.ThreadPoolExecutor;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.util.backoff.FixedBackOff;

import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SwrStoreFactory;
import dev.swr.spring.redis.RedisGateway;
import dev.swr.spring.redis.RedisInvalidations;
import dev.swr.spring.redis.RedisStoreFactory;

/**
 * The {@code redis} and {@code tiered} stores, on the application's Lettuce connection
 * ({@code spring.data.redis.*}, from Boot's Redis auto-configuration). Without a Redis connection,
 * {@code swr.store=redis|tiered} fails startup (see {@link SwrAutoConfiguration}).
 */
@AutoConfiguration(before = SwrAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnBooleanProperty(name = "swr.enabled", matchIfMissing = true)
@ConditionalOnClass({ RedisConnectionFactory.class, ReactiveRedisConnectionFactory.class, reactor.core.publisher.Mono.class })
@Conditional(SwrRedisAutoConfiguration.RedisStoreSelected.class)
@ConditionalOnBean(ReactiveRedisConnectionFactory.class)
public final class SwrRedisAutoConfiguration {

	/**
	 * The gateway, connected before the first request: the first read of a fresh instance must
	 * not miss Redis because the connect (or a cluster's topology discovery) overran its command
	 * timeout. Startup waits at most {@code swr.redis.connect-wait} and never fails for Redis.
	 */
	@Bean(destroyMethod = "close")
	RedisGateway swrRedisGateway(ReactiveRedisConnectionFactory connectionFactory, SwrProperties properties) {
		SwrProperties.Redis redis = properties.getRedis();
		SettingChecks.requirePositive("swr.redis.command-timeout", redis.getCommandTimeout());
		SettingChecks.requirePositive("swr.redis.clear-timeout", redis.getClearTimeout());
		SettingChecks.requireNotNegative("swr.redis.connect-wait", redis.getConnectWait());
		SettingChecks.requireNotNegative("swr.redis.lock-wait", redis.getLockWait());
		SettingChecks.requireNotNegative("swr.tiered.local-ttl", properties.getTiered().getLocalTtl());
		RedisGateway gateway = new RedisGateway(connectionFactory, redis.getCommandTimeout(), redis.getClearTimeout());
		gateway.connect(redis.getConnectWait());
		return gateway;
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisStoreSelected.Plain.class)
	static class PlainRedisStore {

		@Bean
		SwrStoreFactory swrStoreFactory(RedisGateway gateway, EnvelopeCodec codec, SwrProperties properties,
				@Qualifier("swrClock") InstantSource clock) {
			SwrProperties.Redis redis = properties.getRedis();
			return new RedisStoreFactory(gateway, codec, clock, redis.getKeyPrefix(), redis.isLease(), redis.getLockWait(),
					null, null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(RedisStoreSelected.Tiered.class)
	static class TieredRedisStore {

		@Bean
		RedisInvalidations swrRedisInvalidations(RedisGateway gateway, SwrProperties properties) {
			return new RedisInvalidations(gateway, properties.getRedis().getInvalidationChannel(), UUID.randomUUID().toString());
		}

		/**
		 * Our own listener container, so the application's (if any) keeps its settings. Messages are
		 * handled one at a time, in order, on one thread of its own (the container's default starts a
		 * thread per message); past 10,000 waiting they are dropped, which first tiers survive
		 * (local-ttl, and the check interval of tag marks). The thread is no bean: an Executor bean
		 * would stop Boot from making the application's own task executor.
		 */
		@Bean
		RedisMessageListenerContainer swrRedisListenerContainer(RedisConnectionFactory connectionFactory,
				RedisInvalidations invalidations, SwrProperties properties) {
			ThreadPoolTaskExecutor messages = new ThreadPoolTaskExecutor();
			messages.setCorePoolSize(1);
			messages.setMaxPoolSize(1);
			messages.setQueueCapacity(10_000);
			messages.setDaemon(true);
			messages.setThreadNamePrefix("swr-invalidation-");
			messages.setRejectedExecutionHandler(new ThreadPoolExecutor.DiscardPolicy());
			messages.initialize();
			RedisMessageListenerContainer container = new RedisMessageListenerContainer() {

				@Override
				public void destroy() throws Exception {
					try {
						super.destroy();
					}
					finally {
						messages.shutdown();
					}
				}

			};
			container.setConnectionFactory(connectionFactory);
			container.setTaskExecutor(messages);
			container.addMessageListener(invalidations, ChannelTopic.of(properties.getRedis().getInvalidationChannel()));
			// Retry a lost subscription every second: until it is back, first tiers may be stale.
			container.setRecoveryBackoff(new FixedBackOff(1000, FixedBackOff.UNLIMITED_ATTEMPTS));
			return container;
		}

		@Bean
		SwrStoreFactory swrStoreFactory(RedisGateway gateway, EnvelopeCodec codec, SwrProperties properties,
				@Qualifier("swrClock") InstantSource clock, RedisInvalidations invalidations) {
			SwrProperties.Redis redis = properties.getRedis();
			return new RedisStoreFactory(gateway, codec, clock, redis.getKeyPrefix(), redis.isLease(), redis.getLockWait(),
					invalidations, properties.getTiered().getLocalTtl());
		}

	}

	/** {@code swr.store} is {@code redis} or {@code tiered}. */
	static class RedisStoreSelected extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String store = context.getEnvironment().getProperty("swr.store", "memory").trim();
			boolean selected = matches(store);
			return new ConditionOutcome(selected, "swr.store is " + store);
		}

		boolean matches(String store) {
			return store.equalsIgnoreCase("redis") || store.equalsIgnoreCase("tiered");
		}

		static class Plain extends RedisStoreSelected {

			@Override
			boolean matches(String store) {
				return store.equalsIgnoreCase("redis");
			}

		}

		static class Tiered extends RedisStoreSelected {

			@Override
			boolean matches(String store) {
				return store.equalsIgnoreCase("tiered");
			}

		}

	}

}
