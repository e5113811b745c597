package dev.swr.spring.redis;

import java.time.Duration;
import java.time.InstantSource;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SpringCacheContract;
import dev.swr.spring.cache.SwrStoreFactory;

/**
 * {@link SpringCacheContract} with the redis store on a real Redis; every test under a key prefix
 * of its own.
 */
@RealRedis
class RedisSpringCacheContractTest extends SpringCacheContract {

	private final RedisServer redis;

	private final String prefix = "swr-contract-" + UUID.randomUUID() + ":";

	private LettuceConnectionFactory connectionFactory;

	private RedisGateway gateway;

	RedisSpringCacheContractTest(RedisServer redis) {
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

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		return new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), clock, this.prefix, true,
				Duration.ZERO, null, null);
	}

}
