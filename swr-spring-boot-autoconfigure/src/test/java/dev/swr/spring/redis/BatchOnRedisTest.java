package dev.swr.spring.redis;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code batch = true} method on the redis and tiered stores: its reads go out together, a
 * poisoned key is a miss loaded with the others, and what one instance loaded is a hit on another.
 */
@RealRedis
class BatchOnRedisTest {

	private final RedisServer redis;

	private final ManualClock clock = new ManualClock(Instant.now());

	private final List<List<Long>> calls = new CopyOnWriteArrayList<>();

	private final String prefix = "swr-batch-" + UUID.randomUUID() + ":";

	BatchOnRedisTest(RedisServer redis) {
		this.redis = redis;
	}

	@AfterEach
	void reset() {
		SwrStatus.resetTracking();
	}

	private ApplicationContextRunner instance(String store) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.host=" + this.redis.host(),
					"spring.data.redis.port=" + this.redis.port())
			.withPropertyValues("swr.store=" + store, "swr.redis.key-prefix=" + this.prefix,
					"swr.redis.invalidation-channel=" + this.prefix + "invalidation", "swr.defaults.jitter=0",
					"swr.defaults.fresh=1m")
			.withBean("swrClock", ManualClock.class, () -> this.clock)
			.withBean(Catalog.class, () -> new Catalog(this.calls));
	}

	@ParameterizedTest
	@ValueSource(strings = { "redis", "tiered" })
	void aPoisonedKeyIsAMissLoadedWithTheOthersAndTheBatchIsAHitOnAnotherInstance(String store) {
		try (StatefulRedisConnection<byte[], byte[]> raw = this.redis.rawConnection()) {
			raw.sync().set((this.prefix + "products::2").getBytes(), "not an envelope".getBytes());
		}
		instance(store).run((a) -> instance(store).run((b) -> {
			assertThat(a.getBean(Catalog.class).findAll(List.of(1L, 2L, 3L))).containsExactly(Map.entry(1L, "p1"),
					Map.entry(2L, "p2"), Map.entry(3L, "p3"));
			assertThat(this.calls).containsExactly(List.of(1L, 2L, 3L));
			assertThat(b.getBean(Catalog.class).findAll(List.of(3L, 2L, 1L))).containsExactly(Map.entry(3L, "p3"),
					Map.entry(2L, "p2"), Map.entry(1L, "p1"));
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(b.getBean(Catalog.class).findAll(List.of(3L, 4L))).containsOnlyKeys(3L, 4L);
			assertThat(this.calls).containsExactly(List.of(1L, 2L, 3L), List.of(4L));
		}));
	}

	static class Catalog {

		private final List<List<Long>> calls;

		Catalog(List<List<Long>> calls) {
			this.calls = calls;
		}

		@StaleWhileRevalidate(cache = "products", batch = true)
		public Map<Long, String> findAll(List<Long> ids) {
			this.calls.add(List.copyOf(ids));
			Map<Long, String> found = new LinkedHashMap<>();
			ids.forEach((id) -> found.put(id, "p" + id));
			return found;
		}

	}

}
