package dev.swr.spring.disk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrStoreException.Operation;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.CompressionType;
import org.springframework.core.ResolvableType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A real full disk: the database on a 16 MB tmpfs mounted for the test (needs the right to mount,
 * as root in CI; skipped, saying why, where it is missing). Writes fail and are counted, reads go on.
 */
class DiskFullTest {

	@TempDir
	Path dir;

	private Path mount;

	private final ManualClock clock = new ManualClock(Instant.now());

	@BeforeEach
	void mountATinyFileSystem() throws Exception {
		this.mount = this.dir.resolve("tiny");
		java.nio.file.Files.createDirectories(this.mount);
		Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", this.mount.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
		assumeThat(mounted).as("mounting a tmpfs is not permitted here: %s", output.strip()).isTrue();
	}

	@AfterEach
	void unmount() throws IOException, InterruptedException {
		if (this.mount != null) {
			new ProcessBuilder("umount", this.mount.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void aFullDiskDropsWritesCountedAsFullAndReadsGoOn() {
		DiskSettings settings = new DiskSettings(1L << 30, CompressionType.NO_COMPRESSION, 1L << 20, false);
		SwrEngine engine = SwrEngine.builder().clock(this.clock).build();
		try (DiskDatabase database = new DiskDatabase(this.mount.resolve("db"), settings, this.clock)) {
			SwrCache<Object, Object> cache = engine.newCache("filling")
				.store(new DiskStoreFactory(database, EnvelopeCodec.builder().build(), this.clock).createStore("filling", 10,
						ResolvableType.forClass(String.class)))
				.build();
			cache.put(0, "first");
			Random random = new Random(3);
			byte[] noise = new byte[4000];
			for (int i = 1; i < 10_000 && cache.stats().storeErrors(Operation.PUT, Reason.FULL) < 10; i++) {
				random.nextBytes(noise);
				cache.put(i, new String(noise, StandardCharsets.ISO_8859_1));
			}

			assertThat(cache.stats().storeErrors(Operation.PUT, Reason.FULL)).as("writes refused for want of space")
				.isGreaterThanOrEqualTo(10);
			assertThat(cache.getEntry(0)).as("read from disk (the first tier holds 10 entries)").isNotNull();
			assertThat(cache.getEntry(0).value()).isEqualTo("first");
			assertThat(cache.get(0, (key) -> "never")).isEqualTo("first");
		}
		finally {
			engine.close(Duration.ofSeconds(1));
		}
	}

}
