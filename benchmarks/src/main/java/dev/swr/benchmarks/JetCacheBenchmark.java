package dev.swr.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.alicp.jetcache.anno.CacheType;
import com.alicp.jetcache.anno.Cached;
import com.alicp.jetcache.anno.config.EnableMethodCache;
import com.alicp.jetcache.autoconfigure.JetCacheAutoConfiguration;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Scenario 6: JetCache {@code @Cached} as a further peer, local (Caffeine) and remote (Redis
 * through Jedis), against {@code @StaleWhileRevalidate} on the memory store and on the redis
 * store, every call through its Spring proxy with {@code key = "#id"}.
 * <p>
 * JetCache 2.7.8 is built for Spring Boot 3.2 / Spring 6.1; on Boot 4.1 its auto-configuration is
 * imported explicitly (Boot 4 no longer reads {@code EnableAutoConfiguration} from
 * {@code spring.factories}) and the setup checks that its beans are proxied and cache. Remote
 * values use JetCache's default Java serialization; keys start with a prefix of this run's own
 * and are deleted at teardown.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JetCacheBenchmark {

	private final long id = 42;

	private final String prefix = SpringContexts.uniqueRedisPrefix("jetcache");

	private ConfigurableApplicationContext localContext;

	private ConfigurableApplicationContext redisContext;

	private JetCacheProducts jetCache;

	private SwrProducts swrMemory;

	private SwrProducts swrRedis;

	private String loadsAfterWarmUp;

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
		this.localContext = SpringContexts.start(JetCacheConfiguration.class,
				"jetcache.statIntervalMinutes=0",
				"jetcache.local.default.type=caffeine",
				"jetcache.local.default.keyConvertor=fastjson2",
				"jetcache.local.default.limit=10000",
				"jetcache.remote.default.type=redis",
				"jetcache.remote.default.keyConvertor=fastjson2",
				"jetcache.remote.default.keyPrefix=" + this.prefix + "jetcache:",
				"jetcache.remote.default.host=127.0.0.1",
				"jetcache.remote.default.port=6379",
				"jetcache.remote.default.poolConfig.maxTotal=8");
		this.redisContext = SpringContexts.start(SwrRedisConfiguration.class, "swr.store=redis",
				"swr.redis.key-prefix=" + this.prefix + "swr:");
		SpringContexts.warmRedis(this.redisContext);
		this.jetCache = this.localContext.getBean(JetCacheProducts.class);
		this.swrMemory = this.localContext.getBean(SwrProducts.class);
		this.swrRedis = this.redisContext.getBean(SwrProducts.class);
		for (Object bean : new Object[] { this.jetCache, this.swrMemory, this.swrRedis }) {
			if (!AopUtils.isAopProxy(bean)) {
				throw new IllegalStateException(bean.getClass() + " is not proxied: the benchmark would measure nothing");
			}
		}
		// A cold connection may take longer than swr.redis.command-timeout, and a timed-out
		// command is a miss by design; warm up until every variant answers from its cache.
		for (int i = 0; i < 5; i++) {
			jetCacheLocal();
			jetCacheRemote();
			swrMemory();
			swrRedis();
		}
		this.loadsAfterWarmUp = loads();
	}

	private String loads() {
		return "JetCache " + this.jetCache.loads() + ", swr memory " + this.swrMemory.loads() + ", swr redis "
				+ this.swrRedis.loads();
	}

	@TearDown
	public void tearDown() {
		String loads = loads();
		close();
		if (!loads.equals(this.loadsAfterWarmUp)) {
			throw new IllegalStateException("Measured calls loaded: loads were " + this.loadsAfterWarmUp
					+ " after warm-up and " + loads + " at the end");
		}
	}

	private void close() {
		if (this.redisContext != null) {
			SpringContexts.deleteKeys(this.redisContext.getBean(RedisConnectionFactory.class), this.prefix);
			this.redisContext.close();
		}
		if (this.localContext != null) {
			this.localContext.close();
		}
	}

	@Benchmark
	public Product jetCacheLocal() {
		return this.jetCache.local(this.id);
	}

	@Benchmark
	public Product swrMemory() {
		return this.swrMemory.find(this.id);
	}

	@Benchmark
	public Product jetCacheRemote() {
		return this.jetCache.remote(this.id);
	}

	@Benchmark
	public Product swrRedis() {
		return this.swrRedis.find(this.id);
	}

	/** JetCache's method cache and ours, on the memory store, in one context. */
	@Configuration(proxyBeanMethods = false)
	@EnableMethodCache(basePackages = "dev.swr.benchmarks")
	@ImportAutoConfiguration({ JetCacheAutoConfiguration.class, SwrAutoConfiguration.class })
	static class JetCacheConfiguration {

		@Bean
		JetCacheProducts jetCacheProducts() {
			return new JetCacheProducts();
		}

		@Bean
		SwrProducts swrProducts() {
			return new SwrProducts();
		}

	}

	/** Ours on the redis store. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
			SwrAutoConfiguration.class })
	static class SwrRedisConfiguration {

		@Bean
		SwrProducts swrProducts() {
			return new SwrProducts();
		}

	}

	/** JetCache {@code @Cached}, local and remote, with an hour's expiry. */
	public static class JetCacheProducts {

		private final AtomicInteger loads = new AtomicInteger();

		@Cached(name = "products.local.", key = "#id", cacheType = CacheType.LOCAL, expire = 3600)
		public Product local(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		@Cached(name = "products.remote.", key = "#id", cacheType = CacheType.REMOTE, expire = 3600)
		public Product remote(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		/** Calls that reached a method body. */
		public int loads() {
			return this.loads.get();
		}

	}

	/** {@code @StaleWhileRevalidate} with {@code key = "#id"}. */
	public static class SwrProducts {

		private final AtomicInteger loads = new AtomicInteger();

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public Product find(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		/** Calls that reached the method body. */
		public int loads() {
			return this.loads.get();
		}

	}

}
