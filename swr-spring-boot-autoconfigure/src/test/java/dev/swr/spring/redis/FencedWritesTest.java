package dev.swr.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.ManualClock;
import dev.swr.core.SharedStore;
import dev.swr.core.SwrEntry;
import dev.swr.core.serial.EnvelopeCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writes fenced by the lease, against a real server: a write under a lease that lapsed, was taken
 * over, or was overtaken by a write, evict or clear not under it, is refused and changes nothing; and the
 * lease key lives in the hash slot of the entry's key, so one script can check both on a cluster.
 */
@RealRedis
class FencedWritesTest {

	private final RedisServer redis;

	private final String prefix = "swr-fence-" + UUID.randomUUID() + ":";

	private final ManualClock clock = new ManualClock(Instant.now());

	private LettuceConnectionFactory connectionFactory;

	private RedisGateway gateway;

	private StatefulRedisConnection<byte[], byte[]> raw;

	FencedWritesTest(RedisServer redis) {
		this.redis = redis;
	}

	@BeforeEach
	void connect() {
		this.connectionFactory = this.redis.connectionFactory();
		this.gateway = new RedisGateway(this.connectionFactory, Duration.ofSeconds(2));
		this.raw = this.redis.rawConnection();
	}

	@AfterEach
	void disconnect() {
		this.gateway.close();
		this.connectionFactory.destroy();
		this.raw.close();
	}

	private SharedStore<Object, Object> store() {
		return store("products");
	}

	@SuppressWarnings("unchecked")
	private SharedStore<Object, Object> store(String cacheName) {
		return (SharedStore<Object, Object>) new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), this.clock,
				this.prefix, true, Duration.ZERO, null, null)
			.createStore(cacheName, 100, ResolvableType.forClass(String.class));
	}

	private SwrEntry<Object> entry(String value) {
		long now = this.clock.millis();
		return new SwrEntry<>(value, now, now + 60_000, now + 120_000, now + 180_000);
	}

	@Test
	void theLeaseKeyIsInTheHashSlotOfTheEntryKey() {
		for (String prefix : List.of("swr:", "{swr}:", "a{")) {
			RedisByteStorage storage = new RedisByteStorage(this.gateway, prefix, "products");
			for (String key : List.of("42", "a{b}c", "{", "}{", "x{y", "{}", "ü", "")) {
				assertThat(ClusterSlotHashUtil.calculateSlot(storage.leaseKey(key)))
					.as("slot of the lease of '%s' under prefix '%s'", key, prefix)
					.isEqualTo(ClusterSlotHashUtil.calculateSlot(storage.redisKey(key)));
			}
		}
	}

	@Test
	void aWriteUnderTheLeaseIsMade() {
		SharedStore<Object, Object> store = store();
		String lease = store.tryLease("1", Duration.ofSeconds(30));

		assertThat(store.putFenced("1", entry("loaded"), lease)).isTrue();

		assertThat(store.get("1").value()).isEqualTo("loaded");
	}

	@Test
	void aWriteWhoseLeaseLapsedAndWasTakenOverIsRefused() {
		SharedStore<Object, Object> store = store();
		store.put("2", entry("old"));
		String slow = store.tryLease("2", Duration.ofMillis(100));
		// The slow loader's lease runs out (Redis expires it), and another instance takes the key over.
		await().atMost(Duration.ofSeconds(5)).until(() -> this.raw.sync().exists(leaseKey("2")) == 0);
		String fast = store.tryLease("2", Duration.ofSeconds(30));
		assertThat(fast).isNotNull();
		assertThat(store.putFenced("2", entry("newer"), fast)).isTrue();

		assertThat(store.putFenced("2", entry("older"), slow)).as("the slow loader's late write").isFalse();

		assertThat(store.get("2").value()).isEqualTo("newer");
	}

	@Test
	void aWriteWhoseLeaseLapsedIsRefusedEvenIfNobodyTookItOver() {
		SharedStore<Object, Object> store = store();
		store.put("3", entry("old"));
		String lease = store.tryLease("3", Duration.ofMillis(100));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.raw.sync().exists(leaseKey("3")) == 0);

		assertThat(store.putFenced("3", entry("late"), lease)).isFalse();

		assertThat(store.get("3").value()).isEqualTo("old");
	}

	@Test
	void aPutNotUnderTheLeaseEndsItSoTheLoadUnderItCannotReplaceThePut() {
		SharedStore<Object, Object> store = store();
		String lease = store.tryLease("4", Duration.ofSeconds(30));
		store.put("4", entry("put meanwhile"));

		assertThat(store.putFenced("4", entry("loaded before the put"), lease)).isFalse();

		assertThat(store.get("4").value()).isEqualTo("put meanwhile");
		assertThat(store.tryLease("4", Duration.ofSeconds(30))).as("the lease was ended").isNotNull();
	}

	@Test
	void anEvictNotUnderTheLeaseEndsItSoTheLoadUnderItCannotBringTheValueBack() {
		SharedStore<Object, Object> store = store();
		store.put("5", entry("old"));
		String lease = store.tryLease("5", Duration.ofSeconds(30));
		store.evict("5");

		assertThat(store.putFenced("5", entry("loaded before the evict"), lease)).isFalse();

		assertThat(store.get("5")).isNull();
	}

	@Test
	void aClearEndsTheCachesLeasesSoALoadUnderOneCannotWriteBack() {
		SharedStore<Object, Object> store = store();
		store.put("7", entry("old"));
		String lease = store.tryLease("7", Duration.ofSeconds(30));

		assertThat(store.clear()).isTrue();

		assertThat(store.putFenced("7", entry("loaded before the clear"), lease)).isFalse();
		assertThat(store.get("7")).isNull();
	}

	@Test
	void aClearLeavesOtherCachesLeasesAlone() {
		SharedStore<Object, Object> products = store();
		SharedStore<Object, Object> other = store("products-archive");
		String lease = other.tryLease("8", Duration.ofSeconds(30));

		products.clear();

		assertThat(other.putFenced("8", entry("loaded"), lease)).isTrue();
	}

	@Test
	void withLeasesOffAWriteIsNotFenced() {
		@SuppressWarnings("unchecked")
		SharedStore<Object, Object> store = (SharedStore<Object, Object>) new RedisStoreFactory(this.gateway,
				EnvelopeCodec.builder().build(), this.clock, this.prefix, false, Duration.ZERO, null, null)
			.createStore("products", 100, ResolvableType.forClass(String.class));
		String token = store.tryLease("6", Duration.ofSeconds(30));

		assertThat(store.putFenced("6", entry("written"), token)).isTrue();
		assertThat(store.get("6").value()).isEqualTo("written");
	}

	private byte[] leaseKey(String key) {
		return new RedisByteStorage(this.gateway, this.prefix, "products").leaseKey(key).getBytes(StandardCharsets.UTF_8);
	}

}
