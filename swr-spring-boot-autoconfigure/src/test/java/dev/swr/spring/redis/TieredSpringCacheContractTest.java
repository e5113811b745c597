package dev.swr.spring.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.SwrEngine;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SpringCacheContract;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheSettings;
import dev.swr.spring.cache.SwrStoreFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpringCacheContract} with the tiered store (a memory first tier over a real Redis); every
 * test under a key prefix and invalidation channel of its own.
 */
@RealRedis
class TieredSpringCacheContractTest extends SpringCacheContract {

	private final RedisServer redis;

	private final String prefix = "swr-contract-tiered-" + UUID.randomUUID() + ":";

	private LettuceConnectionFactory connectionFactory;

	private RedisGateway gateway;

	TieredSpringCacheContractTest(RedisServer redis) {
		this.redis = redis;
	}

	@BeforeEach
	void connect() {
		this.connectionFactory = this.redis.connectionFactory();
		this.gateway = new RedisGateway(this.connectionFactory, Duration.ofSeconds(2));
	}

	@AfterEach
	void disconnect() {
		this.gateway.close();
		this.connectionFactory.destroy();
	}

	@Test
	void invalidateIsTrueForEntriesOnlyRedisHolds() {
		try (SwrEngine otherInstance = SwrEngine.builder().clock(this.clock).build()) {
			SwrCacheManager elsewhere = new SwrCacheManager(otherInstance, SwrCacheSettings.NONE, Map.of());
			elsewhere.setStoreFactory(storeFactory(this.clock));
			elsewhere.getCache(CACHE_NAME).put("written-elsewhere", "george");
		}
		// This instance's first tier never saw the entry: only Redis can tell it was there.
		assertThat(cache().invalidate()).isTrue();
		assertThat(cache().get("written-elsewhere")).isNull();
	}

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		RedisInvalidations invalidations = new RedisInvalidations(this.gateway, this.prefix + "invalidation",
				"this-instance");
		return new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), clock, this.prefix, true,
				Duration.ZERO, invalidations, Duration.ofMinutes(1));
	}

}
