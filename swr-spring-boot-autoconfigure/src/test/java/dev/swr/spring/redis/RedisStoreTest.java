package dev.swr.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException;
import dev.swr.core.serial.EnvelopeCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The redis store against a real server: key layout, expiry, SCAN-based clear, leases, corrupt
 * bytes, a paused server and a killed one.
 */
@RealRedis(ownServer = true)
class RedisStoreTest {

	private final RedisServer redis;

	private final String prefix = "swr-test-" + UUID.randomUUID() + ":";

	private final ManualClock clock = new ManualClock(Instant.now());

	private LettuceConnectionFactory connectionFactory;

	private RedisGateway gateway;

	private SwrEngine engine;

	private StatefulRedisConnection<byte[], byte[]> raw;

	private final AtomicInteger loads = new AtomicInteger();

	RedisStoreTest(RedisServer redis) {
		this.redis = redis;
	}

	@BeforeEach
	void connect() {
		this.connectionFactory = this.redis.connectionFactory();
		this.gateway = new RedisGateway(this.connectionFactory, Duration.ofMillis(250));
		this.engine = SwrEngine.builder().clock(this.clock).build();
		this.raw = this.redis.rawConnection();
	}

	@AfterEach
	void disconnect() {
		this.engine.close(Duration.ofSeconds(1));
		this.gateway.close();
		this.connectionFactory.destroy();
		this.raw.close();
	}

	private SwrCache<Object, Object> cache(String name) {
		RedisStoreFactory stores = new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), this.clock,
				this.prefix, true, Duration.ZERO, null, null);
		return this.engine.newCache(name)
			.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(30)).jitter(0).build())
			.store(stores.createStore(name, 100, ResolvableType.forClass(String.class)))
			.build();
	}

	private String load(Object key) {
		return "value-" + key + "-" + this.loads.incrementAndGet();
	}

	@Test
	void entriesLiveUnderPrefixCacheAndKeyAndExpireAtTheirExpiresAt() {
		SwrCache<Object, Object> products = cache("products");
		products.get(42L, this::load);
		byte[] redisKey = (this.prefix + "products::42").getBytes(StandardCharsets.UTF_8);
		assertThat(this.raw.sync().exists(redisKey)).isEqualTo(1);
		long expiresAt = products.getEntry(42L).expiresAt();
		assertThat(this.raw.sync().pexpiretime(redisKey)).isEqualTo(expiresAt);
		assertThat(products.getWithStatus(42L, this::load)).isEqualTo(new SwrResult<>("value-42-1", SwrStatus.HIT));
	}

	@Test
	void anotherCacheOnTheSameRedisReadsTheSameEntry() {
		cache("shared").get("k", this::load);
		SwrEngine other = SwrEngine.builder().clock(this.clock).build();
		try {
			RedisStoreFactory stores = new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), this.clock,
					this.prefix, true, Duration.ZERO, null, null);
			SwrCache<Object, Object> elsewhere = other.newCache("shared")
				.store(stores.createStore("shared", 100, ResolvableType.forClass(String.class)))
				.build();
			assertThat(elsewhere.getWithStatus("k", (key) -> "never")).isEqualTo(new SwrResult<>("value-k-1", SwrStatus.HIT));
		}
		finally {
			other.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void clearRemovesOnlyThisCachesKeys() {
		SwrCache<Object, Object> first = cache("first*");
		SwrCache<Object, Object> second = cache("first-other");
		for (int i = 0; i < 1200; i++) {
			first.put(i, "v" + i);
		}
		second.put(1, "kept");
		assertThat(first.clear()).isTrue();
		assertThat(first.getEntry(7)).isNull();
		assertThat(second.getEntry(1)).isNotNull();
		assertThat(this.raw.sync().keys(this.prefix + "first\\**")).isEmpty();
	}

	@Test
	void aConnectSlowerThanTheCommandTimeoutIsNotCancelledAndLaterCallsUseIt() {
		java.util.concurrent.CountDownLatch connectAllowed = new java.util.concurrent.CountDownLatch(1);
		AtomicInteger attempts = new AtomicInteger();
		java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
		org.springframework.data.redis.connection.ReactiveRedisConnectionFactory slow = new org.springframework.data.redis.connection.ReactiveRedisConnectionFactory() {

			@Override
			public org.springframework.data.redis.connection.ReactiveRedisConnection getReactiveConnection() {
				attempts.incrementAndGet();
				try {
					// A cold client on a busy machine: the connect outlasts the 250 ms command timeout.
					connectAllowed.await();
				}
				catch (InterruptedException ex) {
					cancelled.set(true);
					throw new IllegalStateException("the connect was cancelled", ex);
				}
				return RedisStoreTest.this.connectionFactory.getReactiveConnection();
			}

			@Override
			public org.springframework.data.redis.connection.ReactiveRedisClusterConnection getReactiveClusterConnection() {
				throw new UnsupportedOperationException("standalone");
			}

			@Override
			public org.springframework.dao.DataAccessException translateExceptionIfPossible(RuntimeException ex) {
				return null;
			}

		};
		RedisGateway gateway = new RedisGateway(slow, Duration.ofMillis(250));
		try {
			assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> gateway.get(this.prefix + "k"))
				.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(SwrStoreException.Reason.TIMEOUT));
			connectAllowed.countDown();
			await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
				gateway.write(this.prefix + "k", this.prefix + "lease:k", new byte[] { 1 }, System.currentTimeMillis() + 60_000,
						null);
				assertThat(gateway.get(this.prefix + "k")).containsExactly(1);
			});
			assertThat(cancelled).as("connect interrupted").isFalse();
			assertThat(attempts).as("one connect, reused").hasValue(1);
		}
		finally {
			gateway.close();
		}
	}

	@Test
	void aLeaseIsHeldByOneTakerAndReleasedOnlyWithItsToken() {
		RedisStore store = (RedisStore) new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), this.clock,
				this.prefix, true, Duration.ZERO, null, null)
			.createStore("leases", 10, ResolvableType.NONE);
		String token = store.tryLease("k", Duration.ofSeconds(10));
		assertThat(token).isNotNull();
		assertThat(store.tryLease("k", Duration.ofSeconds(10))).isNull();
		store.releaseLease("k", "not-the-token");
		assertThat(store.tryLease("k", Duration.ofSeconds(10))).isNull();
		store.releaseLease("k", token);
		assertThat(store.tryLease("k", Duration.ofSeconds(10))).isNotNull();
	}

	@Test
	void tenThousandCorruptPayloadsAreMissesWithoutAnExceptionToCallers() {
		SwrCache<Object, Object> products = cache("corrupt");
		Random random = new Random(5);
		int corrupt = 10_000;
		for (int i = 0; i < corrupt; i++) {
			byte[] bytes = new byte[random.nextInt(120)];
			random.nextBytes(bytes);
			this.raw.sync().set((this.prefix + "corrupt::" + i).getBytes(StandardCharsets.UTF_8), bytes);
		}
		for (int i = 0; i < corrupt; i++) {
			assertThat(products.getWithStatus(i, this::load).status()).isEqualTo(SwrStatus.MISS);
		}
		assertThat(products.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.CORRUPT))
			.isEqualTo(corrupt);
		assertThat(products.getWithStatus(3, this::load).status()).as("overwritten by the load").isEqualTo(SwrStatus.HIT);
	}

	@Test
	void aPausedRedisIsAMissWithinTheCommandTimeout() {
		SwrCache<Object, Object> products = cache("paused");
		// Paused longer than the command timeout (250 ms), shorter than the preemptive bound below.
		this.raw.sync().clientPause(1_500);
		try {
			SwrResult<Object> result = assertTimeoutPreemptively(Duration.ofSeconds(3),
					() -> products.getWithStatus("k", this::load));
			assertThat(result.status()).isEqualTo(SwrStatus.MISS);
			assertThat(products.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.TIMEOUT))
				.isEqualTo(1);
		}
		finally {
			await().atMost(Duration.ofSeconds(5)).until(this.redis::answersPing);
		}
	}

	@Test
	void aKilledRedisIsAMissAndTheStoreResumesByItselfAfterARestart() throws Exception {
		SwrCache<Object, Object> products = cache("killed");
		products.get("warm", this::load);
		this.redis.kill();
		for (int i = 0; i < 20; i++) {
			String key = "k" + i;
			SwrResult<Object> result = assertTimeoutPreemptively(Duration.ofSeconds(3),
					() -> products.getWithStatus(key, this::load));
			assertThat(result.status()).isEqualTo(SwrStatus.MISS);
		}
		assertThat(products.stats().storeErrors()).isPositive();
		assertThatExceptionOfType(SwrStoreException.class).as("once seen down, calls fail at once")
			.isThrownBy(() -> this.gateway.get(this.prefix + "x"))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(SwrStoreException.Reason.UNAVAILABLE));
		this.redis.restart();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			products.put("after", "restart");
			assertThat(products.getWithStatus("after", this::load).status()).isEqualTo(SwrStatus.HIT);
		});
	}

	/**
	 * Issue 12, item 1: a gzip bomb and an oversized value under our keys. Before, the bomb inflated
	 * up to a fixed 64 MiB per reader and the oversized value was transferred and copied whole by
	 * every reader. Now both are a miss counted too_large, and the oversized bytes never leave Redis.
	 */
	@Test
	void aBombAndAnOversizedValueAreMissesCountedTooLargeAndTheOversizedOneIsNeverTransferred() {
		EnvelopeCodec reader = EnvelopeCodec.builder().maxValueSize(1024 * 1024).build();
		RedisStoreFactory stores = new RedisStoreFactory(this.gateway, reader, this.clock, this.prefix, true,
				Duration.ZERO, null, null);
		SwrCache<Object, Object> cache = this.engine.newCache("poisoned")
			.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(30)).jitter(0).build())
			.store(stores.createStore("poisoned", 100, ResolvableType.forClass(String.class)))
			.build();
		long now = this.clock.millis();
		long end = now + Duration.ofHours(1).toMillis();
		// 16 MB of JSON that gzip packs into a few KB: a valid envelope, a bomb for a 1 MB reader.
		byte[] bomb = EnvelopeCodec.builder()
			.compression(dev.swr.core.serial.Compression.GZIP)
			.maxValueSize(32 * 1024 * 1024)
			.build()
			.encode(new dev.swr.core.SwrEntry<>("a".repeat(16 * 1024 * 1024), now, end, end, end),
					tools.jackson.databind.type.TypeFactory.createDefaultInstance().constructType(String.class));
		assertThat(bomb.length).isLessThan(64 * 1024);
		this.raw.sync().set((this.prefix + "poisoned::bomb").getBytes(StandardCharsets.UTF_8), bomb);
		byte[] huge = new byte[20 * 1024 * 1024];
		new Random(7).nextBytes(huge);
		this.raw.sync().set((this.prefix + "poisoned::huge").getBytes(StandardCharsets.UTF_8), huge);
		long sentBefore = sentByRedis();

		assertThat(cache.getWithStatus("bomb", this::load).status()).isEqualTo(SwrStatus.MISS);
		assertThat(cache.getWithStatus("huge", this::load).status()).isEqualTo(SwrStatus.MISS);

		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.TOO_LARGE))
			.isEqualTo(2);
		assertThat(sentByRedis() - sentBefore).as("bytes Redis sent for both reads").isLessThan(1024 * 1024);
		assertThat(cache.getWithStatus("huge", this::load).status()).as("overwritten by the load").isEqualTo(SwrStatus.HIT);
	}

	@Test
	void aValueLargerThanMaxValueSizeIsNotWrittenAndIsCounted() {
		EnvelopeCodec small = EnvelopeCodec.builder().maxValueSize(1000).build();
		RedisStoreFactory stores = new RedisStoreFactory(this.gateway, small, this.clock, this.prefix, true,
				Duration.ZERO, null, null);
		SwrCache<Object, Object> cache = this.engine.newCache("small")
			.store(stores.createStore("small", 100, ResolvableType.forClass(String.class)))
			.build();
		assertThat(cache.get("k", (key) -> "x".repeat(5000))).as("still answered").isEqualTo("x".repeat(5000));
		assertThat(cache.stats().storeErrors(SwrStoreException.Operation.PUT, SwrStoreException.Reason.TOO_LARGE))
			.isEqualTo(1);
		assertThat(this.raw.sync().exists((this.prefix + "small::k").getBytes(StandardCharsets.UTF_8))).isZero();
	}

	private long sentByRedis() {
		String stats = this.raw.sync().info("stats");
		for (String line : stats.split("\r?\n")) {
			if (line.startsWith("total_net_output_bytes:")) {
				return Long.parseLong(line.substring("total_net_output_bytes:".length()).trim());
			}
		}
		throw new IllegalStateException("no total_net_output_bytes in INFO stats");
	}

}
