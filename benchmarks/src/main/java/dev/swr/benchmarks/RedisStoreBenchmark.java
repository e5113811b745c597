package dev.swr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrStore;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import dev.swr.spring.cache.SwrStoreFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Scenario 4: a hit on the {@code redis} store against Spring's {@link RedisCacheManager}
 * {@code Cache.get} on the same local Redis ({@code spring.data.redis.*}, default 127.0.0.1:6379),
 * both through Boot's Lettuce connection factory; and a first-tier hit of the {@code tiered} store
 * against a hit of the memory store. Each store is used through the engine API, as
 * {@code Cache.get} is used without a proxy.
 * <p>
 * Spring's cache is measured with its default value serializer (Java serialization) and with
 * typed Jackson JSON, which is what our envelope holds. Every key written starts with a prefix of
 * this run's own and is deleted at teardown.
 * Two raw baselines on one connection of the same factory: a plain {@code GET} of the stored bytes
 * (the floor of any Redis hit) and the bounded GET script the store sends instead.
 * Targets: redis hit at most 1.0 times {@code RedisCache.get}; tiered hit at most 1.2 times memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RedisStoreBenchmark {

	private static final SwrLoader<Object, Object> LOADER = (id) -> Product.of((Long) id);

	static final byte[] BOUNDED_GET = ("local n = redis.call('strlen', KEYS[1]) "
			+ "if n > tonumber(ARGV[1]) then return '\\0swr:too-large:' .. n end "
			+ "return redis.call('get', KEYS[1])").getBytes(StandardCharsets.UTF_8);

	private final Long key = 42L;

	private final String prefix = SpringContexts.uniqueRedisPrefix("store");

	private ConfigurableApplicationContext redisContext;

	private ConfigurableApplicationContext tieredContext;

	private SwrCache<Object, Object> swrRedis;

	private SwrCache<Object, Object> swrTiered;

	private SwrCache<Object, Object> swrMemory;

	private Cache springRedisJdk;

	private Cache springRedisJson;

	private RedisConnectionFactory connectionFactory;

	/** One connection for the raw baselines (Lettuce's shared native connection, as the stores use). */
	private RedisConnection raw;

	private byte[] storedKey;

	private final byte[] maxBytes = Integer.toString(8 * 1024 * 1024 + 1024).getBytes(StandardCharsets.UTF_8);

	@Setup
	public void setUp() {
		try {
			start();
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private void start() {
		this.redisContext = SpringContexts.start(RedisConfiguration.class, "swr.store=redis",
				"swr.redis.key-prefix=" + this.prefix + "swr:");
		SpringContexts.warmRedis(this.redisContext);
		this.tieredContext = SpringContexts.start(RedisConfiguration.class, "swr.store=tiered",
				"swr.redis.key-prefix=" + this.prefix + "tiered:",
				"swr.redis.invalidation-channel=" + this.prefix + "invalidation");
		this.connectionFactory = this.redisContext.getBean(RedisConnectionFactory.class);
		SpringContexts.warmRedis(this.tieredContext);
		this.swrRedis = storeBackedCache(this.redisContext, "products");
		this.swrTiered = storeBackedCache(this.tieredContext, "products");
		this.swrMemory = this.tieredContext.getBean(SwrEngine.class).newCache("memoryProducts").build();

		RedisCacheConfiguration defaults = RedisCacheConfiguration.defaultCacheConfig()
			.entryTtl(Duration.ofHours(1))
			.prefixCacheNameWith(this.prefix + "spring:");
		this.springRedisJdk = redisCache(defaults, "productsJdk");
		this.springRedisJson = redisCache(defaults
			.serializeValuesWith(SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(Product.class))),
				"productsJson");

		Product value = Product.of(this.key);
		// A cold connection may take longer than swr.redis.command-timeout, and a timed-out write
		// is dropped by design: write until the value reads back.
		for (int attempt = 0; attempt < 10 && !readsBack(this.swrRedis, value); attempt++) {
			this.swrRedis.put(this.key, value);
			this.swrTiered.put(this.key, value);
		}
		this.swrMemory.put(this.key, value);
		this.springRedisJdk.put(this.key, value);
		this.springRedisJson.put(this.key, value);
		for (Object read : new Object[] { swrRedisGet(), swrTieredGet(), swrMemoryGet(), springRedisCacheGetJdk(),
				springRedisCacheGetJson() }) {
			if (!value.equals(read)) {
				throw new IllegalStateException("Read back " + read + " instead of " + value);
			}
		}
		this.storedKey = (this.prefix + "swr:products::" + this.key).getBytes(StandardCharsets.UTF_8);
		this.raw = this.connectionFactory.getConnection();
		byte[] plain = rawGet();
		byte[] bounded = rawBoundedGet();
		if (plain == null || !Arrays.equals(plain, bounded)) {
			throw new IllegalStateException("The raw reads of " + new String(this.storedKey, StandardCharsets.UTF_8)
					+ " found " + ((plain != null) ? plain.length + " and " + bounded.length + " bytes" : "nothing"));
		}
	}

	private boolean readsBack(SwrCache<Object, Object> cache, Object value) {
		SwrEntry<Object> entry = cache.getEntry(this.key);
		return entry != null && value.equals(entry.value());
	}

	private SwrCache<Object, Object> storeBackedCache(ConfigurableApplicationContext context, String name) {
		SwrStore<Object, Object> store = context.getBean(SwrStoreFactory.class)
			.createStore(name, 10_000, ResolvableType.forClass(Product.class));
		return context.getBean(SwrEngine.class).newCache(name).store(store).build();
	}

	private Cache redisCache(RedisCacheConfiguration configuration, String name) {
		RedisCacheManager manager = RedisCacheManager.builder(this.connectionFactory).cacheDefaults(configuration).build();
		manager.afterPropertiesSet();
		return manager.getCache(name);
	}

	@TearDown
	public void tearDown(BenchmarkParams params) {
		BenchmarkSupport.requireHits(params, "swrRedisGet", this.swrRedis);
		BenchmarkSupport.requireHits(params, "swrTieredGet", this.swrTiered);
		BenchmarkSupport.requireHits(params, "swrMemoryGet", this.swrMemory);
		close();
	}

	private void close() {
		if (this.raw != null) {
			this.raw.close();
		}
		if (this.connectionFactory != null) {
			SpringContexts.deleteKeys(this.connectionFactory, this.prefix);
		}
		if (this.tieredContext != null) {
			this.tieredContext.close();
		}
		if (this.redisContext != null) {
			this.redisContext.close();
		}
	}

	@Benchmark
	public Object swrRedisGet() {
		return this.swrRedis.get(this.key, LOADER);
	}

	@Benchmark
	public Object springRedisCacheGetJdk() {
		return this.springRedisJdk.get(this.key).get();
	}

	@Benchmark
	public Object springRedisCacheGetJson() {
		return this.springRedisJson.get(this.key).get();
	}

	/**
	 * The floor of a Redis hit: one synchronous {@code GET} of the same envelope bytes on the same
	 * connection factory, nothing decoded.
	 */
	@Benchmark
	public byte[] rawGet() {
		return this.raw.stringCommands().get(this.storedKey);
	}

	/**
	 * The same read as the store sends it since issue 12: the bounded GET script ({@code STRLEN}, then
	 * {@code GET} or a marker), by {@code EVAL}, nothing decoded. Against {@link #rawGet()}: the
	 * script's own cost. The script's text is the gateway's ({@code RedisGateway.BOUNDED_GET_SCRIPT}).
	 */
	@Benchmark
	public byte[] rawBoundedGet() {
		return this.raw.scriptingCommands().eval(BOUNDED_GET, ReturnType.VALUE, 1, this.storedKey, this.maxBytes);
	}

	@Benchmark
	public Object swrTieredGet() {
		return this.swrTiered.get(this.key, LOADER);
	}

	@Benchmark
	public Object swrMemoryGet() {
		return this.swrMemory.get(this.key, LOADER);
	}

	/** Boot's Redis connection and both of our auto-configurations; the store comes from {@code swr.store}. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
			SwrAutoConfiguration.class })
	static class RedisConfiguration {

	}

}
