package dev.swr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.ReturnType;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrStore;
import dev.swr.spring.cache.SwrStoreFactory;

/**
 * The floor of a Redis hit on a Redis Cluster: a hit of the {@code redis} store against one raw
 * synchronous {@code GET} of the same envelope bytes, on a connection of the same (cluster)
 * connection factory, nothing decoded. The cluster is given by the system property
 * {@code swr.bench.cluster.nodes} ({@code host:port,...}); {@code benchmarks/cluster-bench.sh} starts
 * a local one (three primaries, three replicas) and runs this. Target: at most 1.1 times the raw GET.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RedisClusterBenchmark {

	private static final SwrLoader<Object, Object> LOADER = (id) -> Product.of((Long) id);

	private final byte[] maxBytes = Integer.toString(8 * 1024 * 1024 + 1024).getBytes(StandardCharsets.UTF_8);

	private final Long key = 42L;

	private final String prefix = SpringContexts.uniqueRedisPrefix("cluster");

	private ConfigurableApplicationContext context;

	private SwrCache<Object, Object> swrRedis;

	private RedisConnectionFactory connectionFactory;

	private RedisConnection raw;

	private byte[] storedKey;

	@Setup
	public void setUp() {
		String nodes = System.getProperty("swr.bench.cluster.nodes");
		if (nodes == null || nodes.isBlank()) {
			throw new IllegalStateException("No cluster: run benchmarks/cluster-bench.sh, or pass "
					+ "-jvmArgsAppend -Dswr.bench.cluster.nodes=host:port,... to JMH");
		}
		this.context = SpringContexts.start(RedisStoreBenchmark.RedisConfiguration.class, "swr.store=redis",
				"spring.data.redis.cluster.nodes=" + nodes, "swr.redis.key-prefix=" + this.prefix + "swr:");
		SpringContexts.warmRedis(this.context);
		this.connectionFactory = this.context.getBean(RedisConnectionFactory.class);
		SwrStore<Object, Object> store = this.context.getBean(SwrStoreFactory.class)
			.createStore("products", 10_000, ResolvableType.forClass(Product.class));
		this.swrRedis = this.context.getBean(SwrEngine.class).newCache("products").store(store).build();
		Product value = Product.of(this.key);
		for (int attempt = 0; attempt < 10 && !value.equals(storedValue()); attempt++) {
			this.swrRedis.put(this.key, value);
		}
		this.storedKey = (this.prefix + "swr:products::" + this.key).getBytes(StandardCharsets.UTF_8);
		this.raw = this.connectionFactory.getConnection();
		if (rawGet() == null || !value.equals(swrRedisGet())) {
			throw new IllegalStateException("Nothing stored under " + new String(this.storedKey, StandardCharsets.UTF_8));
		}
	}

	private Object storedValue() {
		var entry = this.swrRedis.getEntry(this.key);
		return (entry != null) ? entry.value() : null;
	}

	@Benchmark
	public Object swrRedisGet() {
		return this.swrRedis.get(this.key, LOADER);
	}

	/** The floor: one synchronous {@code GET} of the stored bytes, routed to the key's primary. */
	@Benchmark
	public byte[] rawGet() {
		return this.raw.stringCommands().get(this.storedKey);
	}

	/**
	 * The read as the store sends it: the bounded GET script by {@code EVAL} (its text is the
	 * gateway's), routed by the key's slot, nothing decoded. Against {@link #rawGet()}: the script's cost.
	 */
	@Benchmark
	public byte[] rawBoundedGet() {
		return this.raw.scriptingCommands().eval(RedisStoreBenchmark.BOUNDED_GET, ReturnType.VALUE, 1, this.storedKey, this.maxBytes);
	}

	@TearDown
	public void tearDown(BenchmarkParams params) {
		BenchmarkSupport.requireHits(params, "swrRedisGet", this.swrRedis);
		if (this.raw != null) {
			this.raw.close();
		}
		if (this.context != null) {
			this.context.close();
		}
	}

}
