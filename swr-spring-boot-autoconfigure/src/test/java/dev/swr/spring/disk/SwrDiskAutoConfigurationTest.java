package dev.swr.spring.disk;

import java.nio.file.Path;
import java.time.Instant;

import dev.swr.core.ManualClock;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrDiskAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrMetricsAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrStoreFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code swr.store=disk} as an application sees it: beans, startup failures, shutdown. */
class SwrDiskAutoConfigurationTest {

	@TempDir
	Path dir;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrDiskAutoConfiguration.class, SwrAutoConfiguration.class));

	@Test
	void diskStoreOpensTheDatabaseAtThePathAndItsCachesAreDiskCaches() {
		this.runner.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("db")).run((context) -> {
			assertThat(context).hasSingleBean(DiskDatabase.class).hasSingleBean(DiskSweeper.class);
			assertThat(context.getBean(SwrStoreFactory.class)).isInstanceOf(DiskStoreFactory.class);
			assertThat(context.getBean(DiskDatabase.class).path()).isEqualTo(this.dir.resolve("db").toAbsolutePath());
			SwrCacheManager caches = context.getBean(SwrCacheManager.class);
			caches.getCache("products").put(1L, "one");
			assertThat(caches.getSwrCache("products").inspect().storeKind()).isEqualTo("disk");
		});
		this.runner.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("db")).run((context) -> {
			assertThat(context).as("the lock was released at shutdown").hasNotFailed();
			assertThat(context.getBean(SwrCacheManager.class).getCache("products").get(1L).get())
				.as("and the entry survived the restart").isEqualTo("one");
		});
	}

	@Test
	void withoutAPathTheDatabaseLivesUnderTheTemporaryDirectoryNamedAfterTheApplication() {
		String name = "swr-disk-test-" + System.nanoTime();
		this.runner.withPropertyValues("swr.store=disk", "spring.application.name=" + name).run((context) -> {
			Path path = context.getBean(DiskDatabase.class).path();
			assertThat(path).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "swr-disk", name).toAbsolutePath());
			context.close();
			org.springframework.util.FileSystemUtils.deleteRecursively(path);
		});
	}

	@Test
	void diskStoreWithoutRocksDbFailsStartupSayingWhatToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader(RocksDB.class))
			.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("db"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("swr.store=disk needs RocksDB: add org.rocksdb:rocksdbjni"));
	}

	@Test
	void aPathAlreadyOpenFailsStartupNamingThePathAndTheProperty() {
		try (DiskDatabase holder = new DiskDatabase(this.dir.resolve("db"), DiskRestartTest.SETTINGS,
				new ManualClock(Instant.now()))) {
			this.runner.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("db"))
				.run((context) -> assertThat(context).getFailure()
					.hasStackTraceContaining("swr.disk.path " + holder.path() + " is locked by another process"));
		}
	}

	@Test
	void aDirectoryMovedAsideAtStartupIsCountedAndTheSizeOnDiskIsAGauge() throws Exception {
		ApplicationContextRunner metered = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SwrDiskAutoConfiguration.class, SwrAutoConfiguration.class,
					SwrMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("db"));
		metered.run((context) -> {
			context.getBean(SwrCacheManager.class).getCache("products").put(1L, "one");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBeansOfType(io.micrometer.core.instrument.binder.MeterBinder.class)
				.values()
				.forEach((binder) -> binder.bindTo(registry));
			assertThat(registry.get("swr.disk.size").gauge().value()).isPositive();
			assertThat(registry.get("swr.disk.recovered").gauge().value()).isZero();
		});
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(this.dir.resolve("db"))) {
			for (Path manifest : files.filter((file) -> file.getFileName().toString().startsWith("MANIFEST")).toList()) {
				java.nio.file.Files.writeString(manifest, "garbled");
			}
		}
		metered.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBeansOfType(io.micrometer.core.instrument.binder.MeterBinder.class)
				.values()
				.forEach((binder) -> binder.bindTo(registry));
			assertThat(registry.get("swr.disk.recovered").gauge().value()).isEqualTo(1);
			assertThat(context.getBean(SwrCacheManager.class).getCache("products").get(1L)).as("started empty").isNull();
		});
	}

	@Test
	void badSizesAndIntervalsFailStartupNamingTheProperty() {
		this.runner.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("a"), "swr.disk.max-size=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("swr.disk.max-size must be positive"));
		this.runner
			.withPropertyValues("swr.store=disk", "swr.disk.path=" + this.dir.resolve("b"), "swr.disk.sweep-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("swr.disk.sweep-interval must be positive"));
	}

}
