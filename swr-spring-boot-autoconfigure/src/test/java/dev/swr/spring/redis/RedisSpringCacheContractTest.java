package dev.swr.spring.redis;

import java.time.Duration;
import java.net.ServerSocket;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.SwrEngine;
import dev.swr.core.SwrStoreException;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SpringCacheContract;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheSettings;
import dev.swr.spring.cache.SwrStoreFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpringCacheContract} with the redis store on a real Redis; every test under a key prefix
 * of its own. A subclass runs the same with another store over Redis.
 */
@RealRedis
class RedisSpringCacheContractTest extends SpringCacheContract {

	private final RedisServer redis;

	protected final String prefix = "swr-contract-" + UUID.randomUUID() + ":";

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

	@Test
	void invalidateOfARedisThatCannotBeReachedIsFalse() throws Exception {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", closedPort));
		nowhere.afterPropertiesSet();
		nowhere.start();
		RedisGateway unreachable = new RedisGateway(nowhere, Duration.ofSeconds(2));
		try (SwrEngine engine = SwrEngine.builder().clock(this.clock).build()) {
			SwrCacheManager manager = new SwrCacheManager(engine, SwrCacheSettings.NONE, Map.of());
			manager.setStoreFactory(storeFactory(unreachable, this.clock));
			Cache cache = manager.getCache("unreachable");
			assertThat(cache.invalidate()).as("nothing is known to be cleared").isFalse();
			assertThat(manager.getSwrCache("unreachable").stats()
				.storeErrors(SwrStoreException.Operation.CLEAR, SwrStoreException.Reason.UNAVAILABLE)).isEqualTo(1);
		}
		finally {
			unreachable.close();
			nowhere.destroy();
		}
	}

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		return storeFactory(this.gateway, clock);
	}

	/** The stores under test, over {@code gateway}. */
	protected RedisStoreFactory storeFactory(RedisGateway gateway, InstantSource clock) {
		return new RedisStoreFactory(gateway, EnvelopeCodec.builder().build(), clock, this.prefix, true, Duration.ZERO,
				null, null);
	}

}
