package dev.swr.spring.disk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException.Operation;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.SwrTagger;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The disk store on a real RocksDB in a temporary directory: reads, writes, expiry, size, bad directories. */
class DiskStoreTest {

	private static final DiskSettings SMALL = new DiskSettings(64L << 20, CompressionType.LZ4_COMPRESSION, 8L << 20,
			false);

	@TempDir
	Path dir;

	private final ManualClock clock = new ManualClock(Instant.now());

	private final SwrEngine engine = SwrEngine.builder().clock(this.clock).build();

	private final AtomicInteger loads = new AtomicInteger();

	private DiskDatabase database;

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
		if (this.database != null) {
			this.database.close();
		}
	}

	private SwrCache<Object, Object> cache(String name, DiskSettings settings, Duration fresh, Duration stale) {
		if (this.database == null) {
			this.database = new DiskDatabase(this.dir.resolve("db"), settings, this.clock);
		}
		DiskStoreFactory stores = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock);
		return this.engine.newCache(name)
			.policy(SwrPolicy.builder().fresh(fresh).stale(stale).expired(Duration.ofMillis(1)).jitter(0).build())
			.store(stores.createStore(name, 100, ResolvableType.forClass(String.class)))
			.build();
	}

	private SwrCache<Object, Object> cache(String name) {
		return cache(name, SMALL, Duration.ofSeconds(30), Duration.ofMinutes(5));
	}

	private String load(Object key) {
		return "value-" + key + "-" + this.loads.incrementAndGet();
	}

	@Test
	void aTagEvictionOutlivesARestartAndItsMarkIsSweptOnceNoEntryCanNeedIt() {
		SwrCache<Object, Object> products = cache("products");
		SwrTagger<Object> byParity = (value) -> List.of("parity:" + (value.toString().charAt(6) - '0') % 2);
		products.getWithStatus(1L, this::load, null, byParity);
		products.getWithStatus(2L, this::load, null, byParity);
		assertThat(products.getEntry(1L).tags()).containsExactly("parity:1");
		products.evictByTag("parity:1", false);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(products.getEntry(1L)).isNull();

		// A new process: a new engine and database on the same directory.
		this.engine.close(Duration.ofSeconds(1));
		this.database.close();
		this.database = null;
		SwrEngine restarted = SwrEngine.builder().clock(this.clock).build();
		try {
			this.database = new DiskDatabase(this.dir.resolve("db"), SMALL, this.clock);
			DiskStoreFactory stores = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock);
			SwrCache<Object, Object> again = restarted.newCache("products")
				.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(30)).stale(Duration.ofMinutes(5))
					.expired(Duration.ofMillis(1)).jitter(0).build())
				.store(stores.createStore("products", 100, ResolvableType.forClass(String.class)))
				.build();
			assertThat(again.getEntry(1L)).as("evicted before the restart, still on disk").isNull();
			assertThat(again.getEntry(2L).value()).isEqualTo("value-2-2");
			assertThat(this.database.tagMark("products", "parity:1")).isNotNull();
			// Past the longest life of an entry written before the mark (at least a minute), it goes.
			this.clock.advance(Duration.ofMinutes(6));
			this.database.sweep();
			assertThat(this.database.tagMark("products", "parity:1")).isNull();
		}
		finally {
			restarted.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void entriesAreWrittenReadEvictedAndClearedPerCache() {
		SwrCache<Object, Object> products = cache("products");
		SwrCache<Object, Object> prices = cache("prices");
		assertThat(products.getWithStatus(1L, this::load)).isEqualTo(new SwrResult<>("value-1-1", SwrStatus.MISS));
		assertThat(products.getWithStatus(1L, this::load)).isEqualTo(new SwrResult<>("value-1-1", SwrStatus.HIT));
		prices.put(1L, "price");
		assertThat(products.inspect().storeKind()).isEqualTo("disk");

		products.evict(1L);
		assertThat(products.getEntry(1L)).isNull();
		assertThat(prices.getEntry(1L).value()).as("another cache's key is its own").isEqualTo("price");

		products.put(2L, "two");
		assertThat(products.clear()).isTrue();
		assertThat(products.getEntry(2L)).isNull();
		assertThat(prices.getEntry(1L).value()).as("clear is per cache").isEqualTo("price");
		assertThat(products.clear()).as("nothing left to clear").isFalse();
	}

	@Test
	void aFirstTierMissIsReadFromDiskWithItsWindows() {
		SwrCache<Object, Object> first = cache("shared");
		first.get("k", this::load);
		DiskStoreFactory again = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock);
		SwrCache<Object, Object> second = this.engine.newCache("shared-second")
			.store(again.createStore("shared", 100, ResolvableType.forClass(String.class)))
			.build();
		assertThat(second.getWithStatus("k", (key) -> "never")).isEqualTo(new SwrResult<>("value-k-1", SwrStatus.HIT));
		this.clock.advance(Duration.ofSeconds(31));
		assertThat(second.getWithStatus("k", (key) -> "refreshed").status()).isEqualTo(SwrStatus.STALE);
	}

	@Test
	void anEntryPastItsExpiryIsNeverServedAndTheSweepGivesItsSpaceBack() throws IOException {
		DiskSettings roomy = new DiskSettings(1L << 30, CompressionType.LZ4_COMPRESSION, 8L << 20, false);
		SwrCache<Object, Object> shortLived = cache("short", roomy, Duration.ofSeconds(1), Duration.ofSeconds(1));
		byte[] noise = new byte[1000];
		Random random = new Random(1);
		for (int i = 0; i < 20_000; i++) {
			random.nextBytes(noise);
			shortLived.put(i, new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1));
		}
		this.database.flush();
		long written = this.database.sizeOnDisk();
		this.clock.advance(Duration.ofSeconds(3));

		assertThat(shortLived.getWithStatus(7, this::load).status()).as("past expiresAt: loaded again")
			.isEqualTo(SwrStatus.MISS);
		assertThat(shortLived.stats().storeErrors(Operation.PUT, Reason.FULL)).as("nothing refused").isZero();
		assertThat(this.database.sweep()).as("every entry but the one loaded again").isEqualTo(19_999);
		long swept = this.database.sizeOnDisk();
		assertThat(swept).as("bytes on disk after the sweep, from %d", written).isLessThan(written / 4);
		assertThat(shortLived.getWithStatus(7, this::load).status()).as("the fresh one survived the sweep")
			.isEqualTo(SwrStatus.HIT);
	}

	@Test
	void maxSizeHoldsWritesPastItAreDroppedAndCountedAndTheSweepEvictsTheEntriesClosestToExpiry() throws IOException {
		DiskSettings fourMegabytes = new DiskSettings(4L << 20, CompressionType.NO_COMPRESSION, 1L << 20, false);
		SwrCache<Object, Object> cache = cache("bounded", fourMegabytes, Duration.ofMinutes(1), Duration.ofHours(1));
		byte[] noise = new byte[2000];
		Random random = new Random(2);
		int lastWritten = -1;
		for (int i = 0; i < 10_000; i++) {
			random.nextBytes(noise);
			long refusedBefore = cache.stats().storeErrors(Operation.PUT, Reason.FULL);
			cache.put(i, new String(noise, java.nio.charset.StandardCharsets.ISO_8859_1));
			if (cache.stats().storeErrors(Operation.PUT, Reason.FULL) == refusedBefore) {
				lastWritten = i;
			}
			this.clock.advance(Duration.ofMillis(10));
		}
		long refused = cache.stats().storeErrors(Operation.PUT, Reason.FULL);
		assertThat(refused).as("writes refused past max-size").isPositive();

		assertThat(this.database.sweep()).as("entries evicted").isPositive();

		assertThat(this.database.sizeOnDisk()).isLessThanOrEqualTo(4L << 20);
		assertThat(onDisk("bounded", 0)).as("the first write, closest to its expiry, is evicted").isNull();
		assertThat(onDisk("bounded", lastWritten)).as("the last one written, furthest from it, is kept").isNotNull();
		cache.put(10_000, "after the sweep");
		assertThat(cache.stats().storeErrors(Operation.PUT, Reason.FULL)).as("writes accepted again").isEqualTo(refused);
		assertThat(onDisk("bounded", 10_000)).isNotNull();
	}

	private byte[] onDisk(String cache, Object key) {
		return this.database.get(cache, String.valueOf(key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	@Test
	void aSweepLeavesNoLongLogToReplayAfterACrash() throws IOException {
		SwrCache<Object, Object> cache = cache("logged");
		for (int i = 0; i < 5_000; i++) {
			cache.put(i, "value-" + i + "-".repeat(200));
		}
		assertThat(logBytes()).as("writes are in the write-ahead log").isGreaterThan(1_000_000);

		this.database.sweep();

		assertThat(logBytes()).as("flushed to files by the sweep").isLessThan(64 * 1024);
		assertThat(cache.getEntry(4_999)).isNotNull();
	}

	/** The write-ahead log's files ({@code NNNNNN.log}; {@code LOG} is RocksDB's own diagnostics). */
	private long logBytes() throws IOException {
		try (Stream<Path> files = Files.list(this.dir.resolve("db"))) {
			return files.filter((file) -> file.getFileName().toString().matches("\\d+\\.log"))
				.mapToLong((file) -> file.toFile().length())
				.sum();
		}
	}

	@Test
	void aDirectoryThatCannotBeOpenedIsMovedAsideAndTheCacheStartsEmpty() throws IOException {
		cache("products").put(1L, "one");
		this.database.close();
		Path db = this.dir.resolve("db");
		try (Stream<Path> files = Files.list(db)) {
			for (Path file : files.filter((file) -> file.getFileName().toString().startsWith("MANIFEST")).toList()) {
				Files.write(file, "garbage, not a manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8));
			}
		}

		this.database = new DiskDatabase(db, SMALL, this.clock);

		assertThat(this.database.openedAfterRecovery()).isTrue();
		try (Stream<Path> siblings = Files.list(this.dir)) {
			assertThat(siblings.map((path) -> path.getFileName().toString())).anyMatch((name) -> name.startsWith("db.corrupt-"));
		}
		DiskStoreFactory stores = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock);
		SwrCache<Object, Object> products = this.engine.newCache("products-after")
			.store(stores.createStore("products", 100, ResolvableType.forClass(String.class)))
			.build();
		assertThat(products.getEntry(1L)).isNull();
		products.put(1L, "again");
		assertThat(products.getEntry(1L).value()).isEqualTo("again");
	}

	@Test
	void aDirectoryOpenInThisProcessCannotBeOpenedTwice() {
		cache("products");
		assertThatIllegalStateException().isThrownBy(() -> new DiskDatabase(this.dir.resolve("db"), SMALL, this.clock))
			.withMessageContaining("swr.disk.path " + this.dir.resolve("db").toAbsolutePath())
			.withMessageContaining("already open in this one");
	}

	@Test
	void aDirectoryHoldingOtherFilesIsNeitherUsedNorMovedAside() throws IOException {
		Path shared = Files.createDirectories(this.dir.resolve("app-data"));
		Files.writeString(shared.resolve("orders.csv"), "kept");
		assertThatIllegalStateException().isThrownBy(() -> new DiskDatabase(shared, SMALL, this.clock))
			.withMessageStartingWith("swr.disk.path " + shared.toAbsolutePath()
					+ " is neither empty nor a disk cache's directory (it holds orders.csv)");
		try (Stream<Path> files = Files.list(shared); Stream<Path> siblings = Files.list(this.dir)) {
			assertThat(files.map((file) -> file.getFileName().toString())).containsExactly("orders.csv");
			assertThat(siblings.map((path) -> path.getFileName().toString())).noneMatch((name) -> name.contains("corrupt"));
		}
	}

	@Test
	void aRocksDbDirectoryNotMarkedAsADiskCachesIsNotMovedAsideWhenItCannotBeOpened() throws IOException {
		Path foreign = Files.createDirectories(this.dir.resolve("foreign"));
		Files.writeString(foreign.resolve("CURRENT"), "MANIFEST-000009\n");
		assertThatIllegalStateException().isThrownBy(() -> new DiskDatabase(foreign, SMALL, this.clock))
			.withMessageStartingWith("swr.disk.path " + foreign.toAbsolutePath() + " holds a RocksDB database that could not be opened")
			.withMessageContaining(DiskDatabase.MARKER);
		assertThat(Files.readString(foreign.resolve("CURRENT"))).isEqualTo("MANIFEST-000009\n");
		try (Stream<Path> siblings = Files.list(this.dir)) {
			assertThat(siblings.map((path) -> path.getFileName().toString())).noneMatch((name) -> name.contains("corrupt"));
		}
	}

	@Test
	void aNewDirectoryIsMarkedAndAnUnmarkedDatabaseThatOpensIsAdopted() throws IOException {
		cache("products").put(1L, "one");
		Path db = this.dir.resolve("db");
		assertThat(db.resolve(DiskDatabase.MARKER)).isRegularFile();
		this.database.close();
		Files.delete(db.resolve(DiskDatabase.MARKER));

		this.database = new DiskDatabase(db, SMALL, this.clock);

		assertThat(this.database.openedAfterRecovery()).isFalse();
		assertThat(db.resolve(DiskDatabase.MARKER)).isRegularFile();
		DiskStoreFactory stores = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock);
		SwrCache<Object, Object> products = this.engine.newCache("products-again")
			.store(stores.createStore("products", 100, ResolvableType.forClass(String.class)))
			.build();
		assertThat(products.getEntry(1L).value()).isEqualTo("one");
	}

	@Test
	void aPathThatIsAFileFailsStartupSayingSo() throws IOException {
		Path file = Files.writeString(this.dir.resolve("not-a-directory"), "kept");
		assertThatIllegalStateException().isThrownBy(() -> new DiskDatabase(file, SMALL, this.clock))
			.withMessage("swr.disk.path " + file.toAbsolutePath() + " is a file, not a directory: "
					+ "point it at a directory the application may create and own");
		assertThat(Files.readString(file)).as("the file is left as it was").isEqualTo("kept");
	}

	@Test
	void closeReleasesTheDirectoryAndLaterCallsFailAsUnavailable() {
		SwrCache<Object, Object> products = cache("products");
		products.put(1L, "one");
		this.database.close();

		assertThat(products.getWithStatus(1L, this::load).value()).as("the first tier still answers").isEqualTo("one");
		products.put(2L, "two");
		assertThat(products.stats().storeErrors(Operation.PUT, Reason.UNAVAILABLE)).isEqualTo(1);
		this.database = new DiskDatabase(this.dir.resolve("db"), SMALL, this.clock);
		assertThat(this.database.openedAfterRecovery()).isFalse();
	}

}
