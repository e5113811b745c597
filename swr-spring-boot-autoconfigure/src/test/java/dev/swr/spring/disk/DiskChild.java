package dev.swr.spring.disk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import org.springframework.core.ResolvableType;

/**
 * A second JVM for {@link DiskRestartTest}: opens the database at {@code args[0]} and either writes
 * entries and says so ({@code write <count> <now-epoch-millis>}: even keys fresh for an hour, odd keys
 * stale for an hour), or only holds the database open ({@code hold}); then waits to be killed. Or
 * ({@code library}) says how RocksDB's native library was loaded and proves it works, then ends.
 */
public final class DiskChild {

	private DiskChild() {
	}

	public static void main(String[] args) {
		Path path = Path.of(args[0]);
		String mode = args[1];
		if (mode.equals("library")) {
			loadLibraryAndUseIt(path);
			return;
		}
		long now = (args.length > 3) ? Long.parseLong(args[3]) : System.currentTimeMillis();
		ManualClock clock = new ManualClock(Instant.ofEpochMilli(now));
		DiskDatabase database = new DiskDatabase(path, DiskRestartTest.SETTINGS, clock);
		if (mode.equals("write")) {
			int count = Integer.parseInt(args[2]);
			SwrStore<Object, Object> store = new DiskStoreFactory(database, EnvelopeCodec.builder().build(), clock)
				.createStore("products", 100, ResolvableType.forClass(String.class));
			long hour = 3_600_000;
			for (int i = 0; i < count; i++) {
				SwrEntry<Object> entry = (i % 2 == 0) ? new SwrEntry<>("value-" + i, now, now + hour, now + hour, now + hour)
						: new SwrEntry<>("value-" + i, now - 2000, now - 1000, now + hour, now + hour);
				store.put(i, entry);
			}
			System.out.println("WRITTEN " + count);
		}
		else {
			System.out.println("OPEN");
		}
		System.out.flush();
		// Waits to be killed; should the parent die first, gives up after five minutes.
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
		while (System.nanoTime() < deadline) {
			LockSupport.parkNanos(deadline - System.nanoTime());
		}
		System.exit(1);
	}

	/** Says how the native library was loaded, then writes and reads an entry through it. */
	private static void loadLibraryAndUseIt(Path path) {
		RocksDbLibrary.Source source = RocksDbLibrary.load(path.toAbsolutePath());
		ManualClock clock = new ManualClock(Instant.now());
		try (DiskDatabase database = new DiskDatabase(path, DiskRestartTest.SETTINGS, clock)) {
			DiskStoreFactory stores = new DiskStoreFactory(database, EnvelopeCodec.builder().build(), clock);
			long now = clock.millis();
			stores.createStore("products", 1, ResolvableType.forClass(String.class))
				.put("a", new SwrEntry<>("value-a", now, now + 60_000, now + 60_000, now + 60_000));
			// A second store on the same column family: an empty first tier, so the read is RocksDB's.
			SwrEntry<Object> read = stores.createStore("products", 1, ResolvableType.forClass(String.class)).get("a");
			System.out.println("LIBRARY " + source + " READ " + ((read != null) ? read.value() : null));
		}
	}

	/** Starts this class in a new JVM on the database at {@code db}. */
	static Process start(Path db, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
				System.getProperty("java.class.path"), DiskChild.class.getName(), db.toString()));
		command.addAll(List.of(args));
		return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
	}

	/** The child's first line of output, waiting at most a minute. */
	static String firstLine(Process child) throws Exception {
		BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
		return CompletableFuture.supplyAsync(() -> {
			try {
				return out.readLine();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}).get(60, TimeUnit.SECONDS);
	}

}
