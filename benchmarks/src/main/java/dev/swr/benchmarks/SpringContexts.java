package dev.swr.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;

/** Starts the small non-web Spring contexts the benchmarks measure, and cleans up after them in Redis. */
final class SpringContexts {

	private SpringContexts() {
	}

	/**
	 * A context of {@code configuration} alone: no component scan, no auto-configuration but what
	 * the class imports, so a benchmark measures the beans it names and nothing else.
	 */
	/** The peers' cache manager: Spring's caching on Caffeine, as Boot would make it. */
	static CaffeineCacheManager caffeineCacheManager() {
		CaffeineCacheManager manager = new CaffeineCacheManager();
		manager.setCaffeine(Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)));
		return manager;
	}

	static ConfigurableApplicationContext start(Class<?> configuration, String... properties) {
		List<String> all = new ArrayList<>(List.of("logging.level.root=WARN", "spring.main.lazy-initialization=false"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(configuration).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
	}

	/**
	 * Opens and pings one connection of the context's Redis connection factory, so Lettuce's
	 * client and event loops exist before the first measured call. The library's Redis gateway
	 * gives its first connect only {@code swr.redis.command-timeout} (250 ms) and cancels it past
	 * that; on a busy machine a cold client takes longer, every retry is cancelled the same way,
	 * and the store would stay unavailable for the whole run (reported with the benchmarks).
	 */
	static void warmRedis(ConfigurableApplicationContext context) {
		try (RedisConnection connection = context.getBean(RedisConnectionFactory.class).getConnection()) {
			connection.ping();
		}
	}

	/** A key prefix no other run or user of the shared Redis has, so cleaning up touches only ours. */
	static String uniqueRedisPrefix(String scenario) {
		return "swr-bench:" + scenario + ":" + ProcessHandle.current().pid() + ":" + System.nanoTime() + ":";
	}

	/** Deletes every key starting with {@code prefix}, by SCAN, never KEYS or FLUSHDB. */
	static long deleteKeys(RedisConnectionFactory connectionFactory, String prefix) {
		long deleted = 0;
		try (RedisConnection connection = connectionFactory.getConnection();
				Cursor<byte[]> keys = connection.keyCommands()
					.scan(ScanOptions.scanOptions().match(prefix + "*").count(1000).build())) {
			List<byte[]> batch = new ArrayList<>();
			while (keys.hasNext()) {
				batch.add(keys.next());
			}
			if (!batch.isEmpty()) {
				Long removed = connection.keyCommands().del(batch.toArray(byte[][]::new));
				deleted = (removed != null) ? removed : 0;
			}
		}
		return deleted;
	}

}
