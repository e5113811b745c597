package dev.swr.spring.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.DefaultMessage;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEntry;
import dev.swr.core.serial.EnvelopeCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tiered store's first tier, keyed by the keys themselves, against a real Redis: an
 * invalidation message (which carries a key's string form) still finds the entry, and the index
 * from string form to key never outgrows the first tier. Entries are removed from Redis behind the
 * store's back so that a read shows whether the first tier still holds them.
 */
@RealRedis
class TieredStoreTest {

	private static final String CHANNEL_SEPARATOR = "\u0000";

	private final RedisServer redis;

	private final String prefix = "swr-tiered-" + UUID.randomUUID() + ":";

	private final ManualClock clock = new ManualClock(Instant.now());

	private LettuceConnectionFactory connectionFactory;

	private RedisGateway gateway;

	private RedisInvalidations invalidations;

	private StatefulRedisConnection<byte[], byte[]> raw;

	TieredStoreTest(RedisServer redis) {
		this.redis = redis;
	}

	@BeforeEach
	void connect() {
		this.connectionFactory = this.redis.connectionFactory();
		this.gateway = new RedisGateway(this.connectionFactory, Duration.ofSeconds(2));
		this.invalidations = new RedisInvalidations(this.gateway, this.prefix + "invalidation", "this-instance");
		this.raw = this.redis.rawConnection();
	}

	@AfterEach
	void disconnect() {
		this.gateway.close();
		this.connectionFactory.destroy();
		this.raw.close();
	}

	private TieredStore store(long maximumSize) {
		RedisStoreFactory stores = new RedisStoreFactory(this.gateway, EnvelopeCodec.builder().build(), this.clock,
				this.prefix, true, Duration.ZERO, this.invalidations, Duration.ofMinutes(1));
		return (TieredStore) stores.createStore("products", maximumSize, ResolvableType.forClass(String.class));
	}

	private SwrEntry<Object> entry(String value) {
		long now = this.clock.millis();
		long end = now + Duration.ofHours(1).toMillis();
		return new SwrEntry<>(value, now, end, end, end);
	}

	private void deleteFromRedis(Object key) {
		this.raw.sync().del((this.prefix + "products::" + key).getBytes(StandardCharsets.UTF_8));
	}

	private void messageFromAnotherInstance(String op, String key) {
		String body = String.join(CHANNEL_SEPARATOR, "other-instance", op, "products", key);
		this.invalidations.onMessage(new DefaultMessage((this.prefix + "invalidation").getBytes(StandardCharsets.UTF_8),
				body.getBytes(StandardCharsets.UTF_8)), null);
	}

	@Test
	void anEvictMessageNamingALongKeyByItsStringFormDropsItFromTheFirstTier() {
		TieredStore store = store(100);
		store.put(42L, entry("answer"));
		deleteFromRedis(42L);
		assertThat(store.get(42L)).as("served by the first tier").extracting(SwrEntry::value).isEqualTo("answer");

		messageFromAnotherInstance("E", "42");

		assertThat(store.get(42L)).isNull();
		assertThat(store.indexedKeys()).isZero();
	}

	@Test
	void aClearMessageEmptiesTheFirstTierAndItsIndex() {
		TieredStore store = store(100);
		store.put(1L, entry("one"));
		store.put(2L, entry("two"));
		deleteFromRedis(1L);
		deleteFromRedis(2L);

		messageFromAnotherInstance("C", "");

		assertThat(store.get(1L)).isNull();
		assertThat(store.get(2L)).isNull();
		assertThat(store.indexedKeys()).isZero();
	}

	@Test
	void entriesTheFirstTierDropsForSizeLeaveNothingInTheIndex() {
		TieredStore store = store(10);
		for (long key = 0; key < 500; key++) {
			store.put(key, entry("v" + key));
		}
		assertThat(store.estimatedSize()).isLessThanOrEqualTo(10);
		assertThat(store.indexedKeys()).isEqualTo(store.estimatedSize());
	}

	@Test
	void entriesTheFirstTierDropsAtTheLocalTtlLeaveNothingInTheIndex() {
		TieredStore store = store(100);
		for (long key = 0; key < 50; key++) {
			store.put(key, entry("v" + key));
		}
		this.clock.advance(Duration.ofMinutes(2));
		store.put(1_000L, entry("after the local ttl"));
		assertThat(store.estimatedSize()).isEqualTo(1);
		assertThat(store.indexedKeys()).isEqualTo(1);
	}

	@Test
	void keysWithTheSameStringFormShareOneFirstTierEntryAsTheyShareOneRedisEntry() {
		TieredStore store = store(100);
		store.put(42L, entry("long"));
		store.put("42", entry("text"));
		deleteFromRedis(42L);

		assertThat(store.get(42L)).as("replaced by the string key").isNull();
		assertThat(store.get("42")).extracting(SwrEntry::value).isEqualTo("text");
		messageFromAnotherInstance("E", "42");
		assertThat(store.get("42")).isNull();
	}

	@Test
	void anEvictHereRemovesTheKeyFromTheFirstTierAndTheIndex() {
		TieredStore store = store(100);
		store.put(7L, entry("seven"));
		store.evict(7L);
		assertThat(store.get(7L)).isNull();
		assertThat(store.indexedKeys()).isZero();
	}

	@Test
	void afterConcurrentPutsEvictsAndMessagesEveryKeyTheFirstTierHoldsIsReachableByAMessage() throws Exception {
		TieredStore store = store(1_000);
		int keys = 16;
		ExecutorService writers = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int thread = 0; thread < 8; thread++) {
				done.add(writers.submit(() -> {
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int op = 0; op < 300; op++) {
						long key = random.nextInt(keys);
						switch (random.nextInt(3)) {
							case 0 -> store.put(key, entry("v" + op));
							case 1 -> store.evict(key);
							default -> messageFromAnotherInstance("E", Long.toString(key));
						}
					}
				}));
			}
			for (Future<?> writer : done) {
				writer.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			writers.shutdownNow();
		}
		for (long key = 0; key < keys; key++) {
			deleteFromRedis(key);
			messageFromAnotherInstance("E", Long.toString(key));
			assertThat(store.get(key)).as("key %d after its evict message", key).isNull();
		}
		assertThat(store.indexedKeys()).isZero();
	}

	/**
	 * Issue 12, item 5: a read of Redis that an invalidation overtakes. The read still answers what
	 * it read, but must not keep it in the first tier: before, the old value was served from there
	 * for up to local-ttl after the invalidation had been handled.
	 */
	@Test
	void anInvalidationArrivingWhileRedisIsReadIsNotLostInTheFirstTier() {
		// The writer first: the store created last is the one the invalidations reach.
		TieredStore writer = store(100);
		writer.put(7L, entry("old"));
		TieredStore store = store(100);
		java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
		store.betweenSteps(() -> {
			if (once.compareAndSet(false, true)) {
				// Another instance replaces the value and its message is handled, all between our
				// read of Redis and our fill of the first tier.
				deleteFromRedis(7L);
				messageFromAnotherInstance("E", "7");
			}
		});

		assertThat(store.get(7L)).as("this read answers what it read").extracting(SwrEntry::value).isEqualTo("old");
		assertThat(store.get(7L)).as("the first tier did not keep it").isNull();
		assertThat(store.indexedKeys()).isZero();
	}

	/**
	 * Issue 12, item 5: an entry the first tier drops (here: past local-ttl) between its write and
	 * its index entry's: the drop's callback found no index entry to remove, so one was orphaned
	 * and the index could grow without bound.
	 */
	@Test
	void anEntryDroppedBeforeItsIndexEntryIsWrittenLeavesNoIndexEntry() {
		TieredStore store = store(100);
		java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
		store.betweenSteps(() -> {
			if (once.compareAndSet(false, true)) {
				this.clock.advance(Duration.ofMinutes(2));
				// A write runs the tier's maintenance, which drops the expired entry of 1.
				store.put(2L, entry("two"));
			}
		});
		store.put(1L, entry("one"));

		assertThat(store.indexedKeys()).as("only 2 is indexed").isEqualTo(1);
		messageFromAnotherInstance("E", "2");
		assertThat(store.indexedKeys()).isZero();
	}

}
