package dev.swr.benchmarks;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.swr.core.CoarseClock;
import dev.swr.core.MemoryStore;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Scenario 1: a fresh hit through the engine API on the memory store (default {@link CoarseClock}),
 * against what users write today: a Caffeine {@code LoadingCache} with {@code refreshAfterWrite}
 * (hand-rolled stale-while-revalidate), Caffeine {@code getIfPresent} with and without
 * {@code expireAfterWrite}, a {@link ConcurrentHashMap}, and the bare clock reads a cache pays.
 * Target: at most 1.2 times the {@code refreshAfterWrite} get and 0 B/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FreshHitBenchmark {

	private static final SwrLoader<Long, Product> LOADER = Product::of;

	// Boxed once: every variant looks up the same key object, none pays for boxing.
	private final Long key = 42L;

	private SwrEngine engine;

	private SwrCache<Long, Product> swr;

	private LoadingCache<Long, Product> caffeineRefresh;

	private Cache<Long, Product> caffeineExpiring;

	private Cache<Long, Product> caffeineSized;

	private Cache<Long, Product> caffeineExpiringCoarse;

	private MemoryStore<Long, Product> memoryStore;

	private final ConcurrentHashMap<Long, Product> map = new ConcurrentHashMap<>();

	private final InstantSource systemClock = InstantSource.system();

	private CoarseClock coarseClock;

	@Setup
	public void setUp() {
		this.engine = SwrEngine.builder().build();
		this.swr = this.engine.<Long, Product>newCache("products").build();
		this.caffeineRefresh = Caffeine.newBuilder()
			.maximumSize(10_000)
			.refreshAfterWrite(Duration.ofMinutes(1))
			.build(Product::of);
		this.caffeineExpiring = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(1)).build();
		this.caffeineSized = Caffeine.newBuilder().maximumSize(10_000).build();
		this.coarseClock = CoarseClock.start();
		CoarseClock ticking = this.coarseClock;
		this.caffeineExpiringCoarse = Caffeine.newBuilder()
			.maximumSize(10_000)
			.expireAfterWrite(Duration.ofMinutes(1))
			.ticker(() -> ticking.millis() * 1_000_000L)
			.build();
		this.memoryStore = new MemoryStore<>(10_000, this.coarseClock);

		Product value = Product.of(this.key);
		this.swr.put(this.key, value);
		this.caffeineRefresh.put(this.key, value);
		this.caffeineExpiring.put(this.key, value);
		this.caffeineSized.put(this.key, value);
		this.caffeineExpiringCoarse.put(this.key, value);
		this.memoryStore.put(this.key, this.swr.getEntry(this.key));
		this.map.put(this.key, value);
	}

	@TearDown
	public void tearDown(BenchmarkParams params) {
		BenchmarkSupport.requireHits(params, "swrGet", this.swr);
		this.engine.close();
		this.coarseClock.close();
	}

	@Benchmark
	public Product swrGet() {
		return this.swr.get(this.key, LOADER);
	}

	@Benchmark
	public Product caffeineRefreshAfterWriteGet() {
		return this.caffeineRefresh.get(this.key);
	}

	@Benchmark
	public Product caffeineExpireAfterWriteGetIfPresent() {
		return this.caffeineExpiring.getIfPresent(this.key);
	}

	/** Context: Caffeine's expiring read with the coarse clock as its ticker, as our memory store reads. */
	@Benchmark
	public Product caffeineExpireAfterWriteCoarseTickerGetIfPresent() {
		return this.caffeineExpiringCoarse.getIfPresent(this.key);
	}

	/** Context: our memory store alone, without the engine's freshness check and counters. */
	@Benchmark
	public SwrEntry<Product> memoryStoreGet() {
		return this.memoryStore.get(this.key);
	}

	@Benchmark
	public Product caffeineSizeOnlyGetIfPresent() {
		return this.caffeineSized.getIfPresent(this.key);
	}

	@Benchmark
	public Product concurrentHashMapGet() {
		return this.map.get(this.key);
	}

	@Benchmark
	public long clockSystemNanoTime() {
		return System.nanoTime();
	}

	@Benchmark
	public long clockInstantSourceSystemMillis() {
		return this.systemClock.millis();
	}

	@Benchmark
	public long clockCoarseClockMillis() {
		return this.coarseClock.millis();
	}

}
