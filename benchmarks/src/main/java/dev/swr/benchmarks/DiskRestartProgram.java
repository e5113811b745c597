package dev.swr.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.disk.DiskDatabase;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import dev.swr.spring.disk.DiskStoreFactory;
import dev.swr.spring.disk.RocksDbLibrary;
import org.rocksdb.CompressionType;
import org.springframework.core.ResolvableType;
import org.springframework.util.FileSystemUtils;

/**
 * The point of the disk store, measured: a child JVM fills a disk cache with N entries (nine in ten
 * fresh, one in ten stale) and is killed with SIGKILL, at once (its whole write-ahead log to replay) or
 * after one sweep (which flushes, as it does every sweep-interval); then a new JVM opens it and reads every key once,
 * as the first traffic after a deploy would. Printed: the time from the new JVM's start to its first
 * answer, the time to open the database, and the source calls its callers waited for, against the same
 * new JVM on the memory store (which starts empty).
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.swr.benchmarks.DiskRestartProgram [entries]}
 * (default 100,000).
 */
public final class DiskRestartProgram {

	private static final DiskSettings SETTINGS = new DiskSettings(1L << 30, CompressionType.LZ4_COMPRESSION, 32L << 20,
			false);

	private DiskRestartProgram() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length >= 2) {
			child(args);
			return;
		}
		int entries = (args.length == 1) ? Integer.parseInt(args[0]) : 100_000;
		Path directory = Files.createTempDirectory("swr-disk-restart");
		try {
			for (String fill : List.of("fill", "fill-swept")) {
				Path db = directory.resolve(fill);
				Process filler = start(db, fill, entries);
				String written = firstLine(filler);
				filler.destroyForcibly();
				filler.waitFor(30, TimeUnit.SECONDS);
				System.out.println((fill.equals("fill") ? "filled and killed (SIGKILL) at once: "
						: "filled, swept once (as every sweep-interval), killed (SIGKILL): ") + written + ", "
						+ sizeOf(db) / 1024 / 1024 + " MB on disk");
				List<String> stores = fill.equals("fill") ? List.of("disk", "memory") : List.of("disk");
				for (String store : stores) {
					Process restart = start(db, store, entries);
					String line = firstLine(restart);
					restart.waitFor(120, TimeUnit.SECONDS);
					System.out.println("  " + store + " restart: " + line);
				}
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(directory);
		}
	}

	private static void child(String[] args) throws Exception {
		Path db = Path.of(args[0]);
		String mode = args[1];
		int entries = Integer.parseInt(args[2]);
		long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
		InstantSource clock = InstantSource.system();
		if (mode.startsWith("fill")) {
			DiskDatabase database = new DiskDatabase(db, SETTINGS, clock);
			SwrStore<Object, Object> store = new DiskStoreFactory(database, EnvelopeCodec.builder().build(), clock)
				.createStore("products", 10_000, ResolvableType.forClass(Product.class));
			long now = clock.millis();
			long hour = 3_600_000;
			for (long id = 0; id < entries; id++) {
				boolean stale = id % 10 == 9;
				store.put(id, stale ? new SwrEntry<>(Product.of(id), now - hour, now - 1000, now + hour, now + hour)
						: new SwrEntry<>(Product.of(id), now, now + hour, now + hour, now + hour));
			}
			if (mode.equals("fill-swept")) {
				database.sweep();
			}
			System.out.println(entries + " entries");
			System.out.flush();
			// Waits to be killed; should the parent die first, gives up after five minutes.
			long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
			while (System.nanoTime() < deadline) {
				LockSupport.parkNanos(deadline - System.nanoTime());
			}
			System.exit(1);
		}
		// Logging starts before the clock of the open, as in an application, where it is up before any bean.
		org.apache.commons.logging.LogFactory.getLog(DiskRestartProgram.class).debug("restarting on " + mode);
		long openStarted = System.nanoTime();
		RocksDbLibrary.Source library = mode.equals("disk") ? RocksDbLibrary.load(db.toAbsolutePath()) : null;
		long libraryNanos = System.nanoTime() - openStarted;
		DiskDatabase database = mode.equals("disk") ? new DiskDatabase(db, SETTINGS, clock) : null;
		long openNanos = System.nanoTime() - openStarted;
		try (SwrEngine engine = SwrEngine.builder().build()) {
			SwrCache<Object, Object> products = (database != null) ? engine.newCache("products")
				.store(new DiskStoreFactory(database, EnvelopeCodec.builder().build(), clock).createStore("products", 10_000,
						ResolvableType.forClass(Product.class)))
				.build() : engine.newCache("products").build();
			products.get(0L, (id) -> Product.of((Long) id));
			long firstAnswer = System.currentTimeMillis() - jvmStart;
			long[] statuses = new long[SwrStatus.values().length];
			long readsStarted = System.nanoTime();
			for (long id = 1; id < entries; id++) {
				statuses[products.getWithStatus(id, (key) -> Product.of((Long) key)).status().ordinal()]++;
			}
			long readNanos = System.nanoTime() - readsStarted;
			System.out.println(String.format(Locale.ROOT,
					"first answer %d ms after JVM start (database open %d ms, of which %d ms loading RocksDB's native library: %s); then %d reads in %d ms: HIT %d, STALE %d"
							+ " (answered at once, refreshed in the background), MISS %d (a source call the caller waited for)",
					firstAnswer, openNanos / 1_000_000, libraryNanos / 1_000_000, library, entries - 1, readNanos / 1_000_000, statuses[SwrStatus.HIT.ordinal()],
					statuses[SwrStatus.STALE.ordinal()], statuses[SwrStatus.MISS.ordinal()]));
			engine.close(Duration.ofSeconds(1));
		}
		finally {
			if (database != null) {
				database.close();
			}
		}
	}

	private static Process start(Path db, String mode, int entries) throws IOException {
		return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), DiskRestartProgram.class.getName(), db.toString(), mode,
				String.valueOf(entries))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
	}

	private static String firstLine(Process process) throws IOException {
		BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = reader.readLine();
		if (line == null) {
			throw new IllegalStateException("The child JVM ended without a word"
					+ (process.isAlive() ? "" : " (exit " + process.exitValue() + ")"));
		}
		return line;
	}

	private static long sizeOf(Path directory) throws IOException {
		try (var files = Files.walk(directory)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> file.toFile().length()).sum();
		}
	}

}
