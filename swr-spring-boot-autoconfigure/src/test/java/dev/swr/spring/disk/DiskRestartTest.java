package dev.swr.spring.disk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrStatus;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What survives the process: a child JVM writes entries and is killed with SIGKILL; this JVM opens the
 * same directory and answers from it. And a directory a live child holds cannot be opened here.
 */
class DiskRestartTest {

	static final DiskSettings SETTINGS = new DiskSettings(64L << 20, CompressionType.LZ4_COMPRESSION, 8L << 20, false);

	private static final int ENTRIES = 2_000;

	@TempDir
	Path dir;

	@Test
	void entriesAPutAcknowledgedSurviveKillDashNineWithTheirWindows() throws Exception {
		long now = Instant.now().toEpochMilli();
		Process child = child("write", String.valueOf(ENTRIES), String.valueOf(now));
		try {
			assertThat(firstLine(child)).isEqualTo("WRITTEN " + ENTRIES);
		}
		finally {
			child.destroyForcibly();
			assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
		}

		ManualClock clock = new ManualClock(Instant.ofEpochMilli(now));
		// Refreshes run inline, so each one's source call is counted as soon as its read has answered.
		SwrEngine engine = SwrEngine.builder().clock(clock).refreshExecutor(Runnable::run).build();
		try (DiskDatabase database = new DiskDatabase(this.dir.resolve("db"), SETTINGS, clock)) {
			assertThat(database.openedAfterRecovery()).isFalse();
			SwrCache<Object, Object> products = engine.newCache("products")
				.store(new DiskStoreFactory(database, EnvelopeCodec.builder().build(), clock).createStore("products", 100,
						ResolvableType.forClass(String.class)))
				.build();
			AtomicInteger sourceCalls = new AtomicInteger();
			for (int i = 0; i < ENTRIES; i++) {
				int before = sourceCalls.get();
				var result = products.getWithStatus(i, (key) -> "loaded-" + key + "-" + sourceCalls.incrementAndGet());
				assertThat(result.value()).as("answered from disk").isEqualTo("value-" + i);
				assertThat(result.status()).isEqualTo((i % 2 == 0) ? SwrStatus.HIT : SwrStatus.STALE);
				assertThat(sourceCalls.get() - before).as("source calls for key %d: a stale one is refreshed once", i)
					.isEqualTo((i % 2 == 0) ? 0 : 1);
			}
			assertThat(products.getWithStatus(1, (key) -> "never").status()).as("refreshed").isEqualTo(SwrStatus.HIT);
		}
		finally {
			engine.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void aDirectoryAnotherProcessHoldsFailsNamingThePathAndTheProperty() throws Exception {
		Process child = child("hold");
		try {
			assertThat(firstLine(child)).isEqualTo("OPEN");
			Path db = this.dir.resolve("db");
			assertThatIllegalStateException()
				.isThrownBy(() -> new DiskDatabase(db, SETTINGS, new ManualClock(Instant.now())))
				.withMessageStartingWith("swr.disk.path " + db.toAbsolutePath() + " is locked by another process");
		}
		finally {
			child.destroyForcibly();
			child.waitFor(30, TimeUnit.SECONDS);
		}
		try (DiskDatabase database = new DiskDatabase(this.dir.resolve("db"), SETTINGS, new ManualClock(Instant.now()))) {
			assertThat(database.openedAfterRecovery()).as("free again once the holder died").isFalse();
		}
	}

	private Process child(String... args) throws IOException {
		return DiskChild.start(this.dir.resolve("db"), args);
	}

	private static String firstLine(Process child) throws Exception {
		return DiskChild.firstLine(child);
	}

}
