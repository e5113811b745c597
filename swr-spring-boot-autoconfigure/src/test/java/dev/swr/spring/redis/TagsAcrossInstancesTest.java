package dev.swr.spring.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.annotation.SwrEvict;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tag eviction made on one instance holds on another sharing the same Redis, for the redis and
 * the tiered store: at once when the invalidation message arrives, within
 * {@code swr.tags.check-interval} when it is lost (here: the second instance listens on another
 * channel, so it hears none of the first's messages).
 */
@RealRedis
class TagsAcrossInstancesTest {

	private final RedisServer redis;

	private final ManualClock clock = new ManualClock(Instant.now());

	private final AtomicInteger loads = new AtomicInteger();

	private final String prefix = "swr-tags-" + UUID.randomUUID() + ":";

	TagsAcrossInstancesTest(RedisServer redis) {
		this.redis = redis;
	}

	@AfterEach
	void reset() {
		SwrStatus.resetTracking();
	}

	private ApplicationContextRunner instance(String store, String channel) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + this.redis.host(),
					"spring.data.redis.port=" + this.redis.port())
			.withPropertyValues("swr.store=" + store, "swr.redis.key-prefix=" + this.prefix,
					"swr.redis.invalidation-channel=" + this.prefix + channel, "swr.defaults.jitter=0",
					"swr.defaults.fresh=1m", "swr.tiered.local-ttl=10m")
			.withBean("swrClock", ManualClock.class, () -> this.clock)
			.withBean(AtomicInteger.class, () -> this.loads)
			.withBean(Catalog.class);
	}

	private static SwrCache<Object, Object> cache(AssertableApplicationContext context) {
		return context.getBean(SwrCacheManager.class).getSwrCache("products");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tiered", "redis" })
	void aHardEvictionOnOneInstanceHoldsOnTheOtherWhenItsMessageArrives(String store) {
		instance(store, "channel").run((a) -> instance(store, "channel").run((b) -> {
			a.getBean(Catalog.class).find(1);
			assertThat(b.getBean(Catalog.class).find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			a.getBean(Catalog.class).categoryChanged("music");
			this.clock.advance(Duration.ofMillis(1));
			if (store.equals("tiered")) {
				// The message makes it known at once: no need for the check interval to pass.
				await().atMost(Duration.ofSeconds(10)).until(() -> cache(b).getEntry(1L) == null);
			}
			else {
				this.clock.advance(Duration.ofSeconds(2));
			}
			assertThat(b.getBean(Catalog.class).find(1)).isEqualTo("product-1#2");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			assertThat(b.getBean(Catalog.class).find(3)).isEqualTo("product-3#3");
		}));
	}

	@ParameterizedTest
	@ValueSource(strings = { "tiered", "redis" })
	void anEvictionWhoseMessageIsLostHoldsWithinTheCheckInterval(String store) {
		instance(store, "channel-a").run((a) -> instance(store, "channel-b").run((b) -> {
			a.getBean(Catalog.class).find(1);
			b.getBean(Catalog.class).find(1);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			a.getBean(Catalog.class).categoryRepriced("music");
			this.clock.advance(Duration.ofMillis(500));
			assertThat(cache(b).getEntry(1L).freshUntil()).as("not seen yet: checked half a second ago")
				.isGreaterThan(this.clock.millis());
			this.clock.advance(Duration.ofMillis(600));
			assertThat(b.getBean(Catalog.class).find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).as("soft: stale, then refreshed once").isEqualTo(SwrStatus.STALE);
			await().atMost(Duration.ofSeconds(10)).until(() -> this.loads.get() == 2);
			a.getBean(Catalog.class).categoryChanged("music");
			this.clock.advance(Duration.ofSeconds(2));
			assertThat(cache(b).getEntry(1L)).isNull();
		}));
	}

	@ParameterizedTest
	@ValueSource(strings = { "tiered", "redis" })
	void theMarksAreOneHashPerCacheThatExpiresWithTheEntriesItCovers(String store) {
		instance(store, "channel").run((a) -> {
			a.getBean(Catalog.class).find(1);
			a.getBean(Catalog.class).categoryChanged("music");
			try (StatefulRedisConnection<byte[], byte[]> raw = this.redis.rawConnection()) {
				byte[] key = (this.prefix + "tags:products").getBytes();
				Map<byte[], byte[]> marks = raw.sync().hgetall(key);
				assertThat(marks).hasSize(1);
				assertThat(new String(marks.keySet().iterator().next())).isEqualTo("category:music");
				assertThat(new String(marks.values().iterator().next())).matches("\\d{13}:");
				// fresh 1m + stale and expired from the defaults: at least the entries' lifetime.
				assertThat(raw.sync().pttl(key)).isGreaterThan(Duration.ofMinutes(1).toMillis());
				raw.sync().hset(key, "category:music".getBytes(), "garbage".getBytes());
			}
			this.clock.advance(Duration.ofSeconds(2));
			assertThat(a.getBean(Catalog.class).find(4)).isEqualTo("product-4#2");
		});
	}

	static class Catalog {

		private final AtomicInteger loads;

		Catalog(AtomicInteger loads) {
			this.loads = loads;
		}

		@StaleWhileRevalidate(cache = "products", key = "#id",
				tags = "'category:' + (#id % 3 == 0 ? 'books' : #id % 3 == 1 ? 'music' : 'games')")
		public String find(long id) {
			return "product-" + id + "#" + this.loads.incrementAndGet();
		}

		@SwrEvict(cache = "products", tags = "'category:' + #category")
		public void categoryChanged(String category) {
		}

		@SwrEvict(cache = "products", tags = "'category:' + #category", soft = true)
		public void categoryRepriced(String category) {
		}

	}

}
