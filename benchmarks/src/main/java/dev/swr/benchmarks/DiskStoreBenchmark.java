package dev.swr.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.swr.core.CoarseClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.SerializingStore;
import dev.swr.spring.disk.DiskByteStorage;
import dev.swr.spring.disk.DiskDatabase;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import dev.swr.spring.disk.DiskStoreFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.rocksdb.CompressionType;
import org.springframework.core.ResolvableType;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.type.TypeFactory;

/**
 * Scenario 8: the {@code disk} store (RocksDB in a temporary directory). A hit whose first tier
 * missed (RocksDB read and envelope decode, through a {@link SerializingStore} over the cache's bytes
 * with no first tier), a first-tier hit, a memory-store hit and a Caffeine {@code getIfPresent}; and
 * writes with the write-ahead log as configured by default and with {@code sync-writes} (an fsync per
 * write). Run with {@code RedisStoreBenchmark.swrRedisGet} in the same invocation for the goal: a
 * disk hit with its first tier missed at most 0.1 times a Redis hit on loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DiskStoreBenchmark {

	private static final SwrLoader<Object, Object> LOADER = (id) -> Product.of((Long) id);

	private static final int PUT_KEYS = 100_000;

	private final Long key = 42L;

	private final Product value = Product.of(42L);

	private Path directory;

	private DiskDatabase database;

	private DiskDatabase syncedDatabase;

	private SwrEngine engine;

	private SwrCache<Object, Object> diskWithoutFirstTier;

	private SwrCache<Object, Object> disk;

	private SwrCache<Object, Object> memory;

	private SwrCache<Object, Object> syncedDisk;

	private Cache<Long, Product> caffeine;

	private long nextPut;

	private CoarseClock clock;

	@Setup
	public void setUp() throws IOException {
		this.directory = Files.createTempDirectory("swr-disk-benchmark");
		// The clock Boot gives the engine and the stores (swrClock): the first tier reads it on every hit.
		this.clock = CoarseClock.start();
		InstantSource clock = this.clock;
		this.database = new DiskDatabase(this.directory.resolve("db"),
				new DiskSettings(1L << 30, CompressionType.LZ4_COMPRESSION, 32L << 20, false), clock);
		this.syncedDatabase = new DiskDatabase(this.directory.resolve("synced"),
				new DiskSettings(1L << 30, CompressionType.LZ4_COMPRESSION, 32L << 20, true), clock);
		this.engine = SwrEngine.builder().clock(clock).build();
		EnvelopeCodec codec = EnvelopeCodec.builder().build();
		this.diskWithoutFirstTier = this.engine.newCache("products")
			.store(new SerializingStore<>("products", codec, TypeFactory.createDefaultInstance().constructType(Product.class),
					new DiskByteStorage(this.database, "products")))
			.build();
		DiskStoreFactory stores = new DiskStoreFactory(this.database, codec, clock);
		this.disk = this.engine.newCache("products-tiered")
			.store(stores.createStore("products", 10_000, ResolvableType.forClass(Product.class)))
			.build();
		this.syncedDisk = this.engine.newCache("synced")
			.store(new DiskStoreFactory(this.syncedDatabase, codec, clock).createStore("products", 10_000,
					ResolvableType.forClass(Product.class)))
			.build();
		this.memory = this.engine.newCache("memory").build();
		this.caffeine = Caffeine.newBuilder().maximumSize(10_000).build();

		this.diskWithoutFirstTier.put(this.key, this.value);
		this.memory.put(this.key, this.value);
		this.caffeine.put(this.key, this.value);
		for (Object read : new Object[] { diskHitFirstTierMissed(), diskHit(), memoryHit(), caffeineGet() }) {
			if (!this.value.equals(read)) {
				throw new IllegalStateException("Read back " + read + " instead of " + this.value);
			}
		}
	}

	@TearDown
	public void tearDown(BenchmarkParams params) throws IOException {
		BenchmarkSupport.requireHits(params, "diskHitFirstTierMissed", this.diskWithoutFirstTier);
		BenchmarkSupport.requireHits(params, "diskHit", this.disk);
		BenchmarkSupport.requireHits(params, "memoryHit", this.memory);
		this.engine.close(Duration.ofSeconds(5));
		this.database.close();
		this.syncedDatabase.close();
		this.clock.close();
		FileSystemUtils.deleteRecursively(this.directory);
	}

	/** RocksDB read (block cache) and envelope decode: what a key evicted from the first tier costs. */
	@Benchmark
	public Object diskHitFirstTierMissed() {
		return this.diskWithoutFirstTier.get(this.key, LOADER);
	}

	@Benchmark
	public Object diskHit() {
		return this.disk.get(this.key, LOADER);
	}

	@Benchmark
	public Object memoryHit() {
		return this.memory.get(this.key, LOADER);
	}

	@Benchmark
	public Object caffeineGet() {
		return this.caffeine.getIfPresent(this.key);
	}

	/** A write through the disk store (encode, WAL, memtable; first tier too), over 100,000 keys. */
	@Benchmark
	public void diskPut() {
		this.disk.put(nextPutKey(), this.value);
	}

	/** The same with {@code swr.disk.sync-writes=true}: an fsync of the log per write. */
	@Benchmark
	public void diskPutSync() {
		this.syncedDisk.put(nextPutKey(), this.value);
	}

	private Long nextPutKey() {
		this.nextPut = (this.nextPut + 1) % PUT_KEYS;
		return this.nextPut;
	}

}
