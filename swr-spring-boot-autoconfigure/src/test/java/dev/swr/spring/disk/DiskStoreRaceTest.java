package dev.swr.spring.disk;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.ForwardingStore;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A first-tier miss reads the disk, then fills the first tier: a write or evict of the key landing
 * between the two must win. The disk read is held open by the test until the write or evict is done;
 * without the stripe counts, the read's old entry would be kept and served.
 */
class DiskStoreRaceTest {

	@TempDir
	Path dir;

	private final ManualClock clock = new ManualClock(Instant.now());

	private DiskDatabase database;

	private HeldReads disk;

	private DiskStore store;

	private final long now = this.clock.millis();

	private final SwrEntry<Object> old = new SwrEntry<>("old", this.now, this.now + 60_000, this.now + 60_000,
			this.now + 60_000);

	private final SwrEntry<Object> newer = new SwrEntry<>("new", this.now, this.now + 60_000, this.now + 60_000,
			this.now + 60_000);

	@BeforeEach
	void open() {
		this.database = new DiskDatabase(this.dir.resolve("db"), DiskRestartTest.SETTINGS, this.clock);
		SwrStore<Object, Object> entries = new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), this.clock)
			.createStore("race", 100, ResolvableType.forClass(String.class));
		// The factory's store wraps the serializing store; race on a DiskStore over a held serializing one.
		this.disk = new HeldReads(((DiskStore) entries).diskForTests());
		this.store = new DiskStore(100, this.clock, this.disk, this.database, "race");
		this.disk.put("k", this.old);
	}

	@AfterEach
	void close() {
		this.database.close();
	}

	@Test
	void aWriteDuringAFirstTierMissWins() throws Exception {
		CompletableFuture<SwrEntry<Object>> read = CompletableFuture.supplyAsync(() -> this.store.get("k"));
		assertThat(this.disk.readDone.await(10, TimeUnit.SECONDS)).isTrue();
		this.store.put("k", this.newer);
		this.disk.release.countDown();
		assertThat(read.get(10, TimeUnit.SECONDS).value()).as("the racing read answers what it read").isEqualTo("old");

		assertThat(this.store.get("k").value()).isEqualTo("new");
	}

	@Test
	void anEvictDuringAFirstTierMissWins() throws Exception {
		CompletableFuture<SwrEntry<Object>> read = CompletableFuture.supplyAsync(() -> this.store.get("k"));
		assertThat(this.disk.readDone.await(10, TimeUnit.SECONDS)).isTrue();
		this.store.evict("k");
		this.disk.release.countDown();
		read.get(10, TimeUnit.SECONDS);

		this.disk.release = new CountDownLatch(0);
		assertThat(this.store.get("k")).as("evicted, not brought back by the racing read").isNull();
	}

	/** A store whose reads hold their result until released. */
	private static final class HeldReads extends ForwardingStore {

		private final CountDownLatch readDone = new CountDownLatch(1);

		private volatile CountDownLatch release = new CountDownLatch(1);

		HeldReads(SwrStore<Object, Object> delegate) {
			super(delegate);
		}

		@Override
		public @Nullable SwrEntry<Object> get(Object key) {
			SwrEntry<Object> entry = super.get(key);
			this.readDone.countDown();
			try {
				this.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return entry;
		}

		@Override
		public String kind() {
			return "held";
		}

	}

}
