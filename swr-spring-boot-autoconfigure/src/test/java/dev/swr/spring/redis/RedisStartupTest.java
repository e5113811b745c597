package dev.swr.spring.redis;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, items 6 and 7: the connection is opened (and the server's version read) at startup,
 * not by the first read under its 250 ms command timeout; a Redis that is down does not stop the
 * application; a server without {@code SET ... PXAT} (before 6.2) is written with {@code PX}.
 */
@RealRedis
class RedisStartupTest {

	private final RedisServer redis;

	private final String prefix = "swr-test-" + UUID.randomUUID() + ":";

	RedisStartupTest(RedisServer redis) {
		this.redis = redis;
	}

	private ApplicationContextRunner runner(int port) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + this.redis.host(), "spring.data.redis.port=" + port,
					"swr.store=redis", "swr.redis.key-prefix=" + this.prefix, "swr.redis.connect-wait=2s");
	}

	@Test
	void redisDurationsOutOfRangeFailStartupNamingTheProperty() {
		String[][] cases = {
				{ "swr.redis.command-timeout=0s", "swr.redis.command-timeout must be positive but was PT0S" },
				{ "swr.redis.clear-timeout=-1s", "swr.redis.clear-timeout must be positive but was PT-1S" },
				{ "swr.redis.connect-wait=-1s", "swr.redis.connect-wait must not be negative but was PT-1S" },
				{ "swr.redis.lock-wait=-5ms", "swr.redis.lock-wait must not be negative but was PT-0.005S" },
				{ "swr.tiered.local-ttl=-1s", "swr.tiered.local-ttl must not be negative but was PT-1S" } };
		for (String[] bad : cases) {
			runner(this.redis.port()).withPropertyValues("swr.store=tiered", bad[0])
				.run((context) -> assertThat(context).getFailure().as(bad[0]).hasMessageContaining(bad[1]));
		}
	}

	/** Before v2 the gateway connected lazily: nothing was open until the first read. */
	@Test
	void theConnectionIsOpenAndTheServerVersionKnownBeforeTheFirstRead() {
		runner(this.redis.port()).run((context) -> {
			RedisGateway gateway = context.getBean(RedisGateway.class);
			assertThat(gateway.isConnected()).as("connected at startup").isTrue();
			assertThat(gateway.serverVersion()).matches("\\d+\\.\\d+.*");
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("first");
			assertThat(cache.getWithStatus("k", (key) -> "v").status()).isEqualTo(SwrStatus.MISS);
			assertThat(cache.stats().storeErrors()).as("the first read reached Redis").isZero();
		});
	}

	@Test
	void aRedisThatIsDownAtStartupDoesNotStopTheApplication() throws Exception {
		int nobody;
		try (ServerSocket socket = new ServerSocket(0)) {
			nobody = socket.getLocalPort();
		}
		runner(nobody).withPropertyValues("swr.redis.connect-wait=500ms").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(RedisGateway.class).isConnected()).isFalse();
			SwrCache<Object, Object> cache = context.getBean(SwrCacheManager.class).getSwrCache("down");
			assertThat(cache.getWithStatus("k", (key) -> "from-source"))
				.isEqualTo(new SwrResult<>("from-source", SwrStatus.MISS));
		});
	}

	@Test
	void versionsBefore62GetARelativeExpiry() {
		assertThat(RedisGateway.supportsAbsoluteExpiry("6.0.16")).isFalse();
		assertThat(RedisGateway.supportsAbsoluteExpiry("5.0.7")).isFalse();
		assertThat(RedisGateway.supportsAbsoluteExpiry("6.2.0")).isTrue();
		assertThat(RedisGateway.supportsAbsoluteExpiry("7.2.4")).isTrue();
		assertThat(RedisGateway.supportsAbsoluteExpiry("8")).isTrue();
		assertThat(RedisGateway.supportsAbsoluteExpiry(null)).as("unknown: taken to be current").isTrue();
		assertThat(RedisGateway.supportsAbsoluteExpiry("unstable")).isTrue();
	}

	/** The PX path against the real server (which has PXAT too): the key expires at the entry's end. */
	@Test
	void aRelativeExpiryEndsTheKeyWhereTheEntryEnds() {
		LettuceConnectionFactory factory = this.redis.connectionFactory();
		RedisGateway gateway = new RedisGateway(factory, Duration.ofMillis(250));
		SwrEngine engine = SwrEngine.builder().clock(new ManualClock(Instant.now())).build();
		try (StatefulRedisConnection<byte[], byte[]> raw = this.redis.rawConnection()) {
			assertThat(gateway.connect(Duration.ofSeconds(2))).isTrue();
			gateway.useRelativeExpiry();
			RedisStoreFactory stores = new RedisStoreFactory(gateway, EnvelopeCodec.builder().build(),
					engine.clock(), this.prefix, true, java.time.Duration.ZERO, null, null);
			SwrCache<Object, Object> cache = engine.newCache("px")
				.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(30)).jitter(0).build())
				.store(stores.createStore("px", 100, ResolvableType.forClass(String.class)))
				.build();
			cache.get("k", (key) -> "v");
			long expiresAt = cache.getEntry("k").expiresAt();
			long redisExpiry = raw.sync().pexpiretime((this.prefix + "px::k").getBytes(StandardCharsets.UTF_8));
			assertThat(redisExpiry).as("PX set from this instance's clock").isBetween(expiresAt - 2_000, expiresAt + 2_000);
			assertThat(cache.getWithStatus("k", (key) -> "never")).isEqualTo(new SwrResult<>("v", SwrStatus.HIT));
		}
		finally {
			engine.close(Duration.ofSeconds(1));
			gateway.close();
			factory.destroy();
		}
	}

}
