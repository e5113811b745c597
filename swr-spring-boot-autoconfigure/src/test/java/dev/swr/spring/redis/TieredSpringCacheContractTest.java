package dev.swr.spring.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.swr.core.SwrEngine;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SpringCacheContract;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpringCacheContract}, and the Redis cases of {@link RedisSpringCacheContractTest}, with the
 * tiered store (a memory first tier over a real Redis).
 */
@RealRedis
class TieredSpringCacheContractTest extends RedisSpringCacheContractTest {

	TieredSpringCacheContractTest(RedisServer redis) {
		super(redis);
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
	protected RedisStoreFactory storeFactory(RedisGateway gateway, InstantSource clock) {
		RedisInvalidations invalidations = new RedisInvalidations(gateway, this.prefix + "invalidation",
				"this-instance");
		return new RedisStoreFactory(gateway, EnvelopeCodec.builder().build(), clock, this.prefix, true,
				Duration.ZERO, invalidations, Duration.ofMinutes(1));
	}

}
