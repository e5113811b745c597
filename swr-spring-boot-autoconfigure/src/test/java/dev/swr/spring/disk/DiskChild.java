package dev.swr.spring.disk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import org.springframework.core.ResolvableType;

/**
 * A second JVM for {@link DiskRestartTest}: opens the database at {@code args[0]} and either writes
 * entries and says so ({@code write <count> <now-epoch-millis>}: even keys fresh for an hour, odd keys
 * stale for an hour), or only holds the database open ({@code hold}); then waits to be killed.
 */
public final class DiskChild {

	private DiskChild() {
	}

	public static void main(String[] args) {
		Path path = Path.of(args[0]);
		String mode = args[1];
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
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
		while (System.nanoTime() < deadline) {
			LockSupport.parkNanos(deadline - System.nanoTime());
		}
		System.exit(1);
	}

}
