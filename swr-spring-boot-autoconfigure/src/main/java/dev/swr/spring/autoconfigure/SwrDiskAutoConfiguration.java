package dev.swr.spring.autoconfigure;

import java.nio.file.Path;
import java.time.InstantSource;

import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SwrStoreFactory;
import dev.swr.spring.disk.DiskDatabase;
import dev.swr.spring.disk.DiskDatabase.DiskSettings;
import dev.swr.spring.disk.DiskStoreFactory;
import dev.swr.spring.disk.DiskSweeper;
import org.rocksdb.CompressionType;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The {@code disk} store ({@code swr.store=disk}): one embedded RocksDB per application at
 * {@code swr.disk.path}, opened at startup and closed (its lock released) at shutdown, swept every
 * {@code swr.disk.sweep-interval}. Without {@code org.rocksdb:rocksdbjni} on the classpath,
 * {@code swr.store=disk} fails startup saying what to add (see {@link SwrAutoConfiguration}).
 */
@AutoConfiguration(before = SwrAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "swr.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "swr.store", havingValue = "disk")
@ConditionalOnClass(name = "org.rocksdb.RocksDB")
public final class SwrDiskAutoConfiguration {

	@Bean(destroyMethod = "close")
	DiskDatabase swrDiskDatabase(SwrProperties properties, Environment environment,
			@Qualifier("swrClock") InstantSource clock) {
		SwrProperties.Disk disk = properties.getDisk();
		long maxSize = SettingChecks.requirePositive("swr.disk.max-size", disk.getMaxSize());
		long blockCache = SettingChecks.requireNotNegative("swr.disk.block-cache-size", disk.getBlockCacheSize());
		Path path = (disk.getPath() != null) ? disk.getPath()
				: Path.of(System.getProperty("java.io.tmpdir"), "swr-disk",
						environment.getProperty("spring.application.name", "application"));
		return new DiskDatabase(path, new DiskSettings(maxSize, compression(disk.getCompression()), blockCache,
				disk.isSyncWrites()), clock);
	}

	private static CompressionType compression(SwrProperties.DiskCompression compression) {
		return switch (compression) {
			case NONE -> CompressionType.NO_COMPRESSION;
			case LZ4 -> CompressionType.LZ4_COMPRESSION;
			case SNAPPY -> CompressionType.SNAPPY_COMPRESSION;
			case ZSTD -> CompressionType.ZSTD_COMPRESSION;
		};
	}

	@Bean(destroyMethod = "close")
	DiskSweeper swrDiskSweeper(DiskDatabase database, SwrProperties properties) {
		try {
			return new DiskSweeper(database, properties.getDisk().getSweepInterval());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean
	SwrStoreFactory swrStoreFactory(DiskDatabase database, EnvelopeCodec codec, @Qualifier("swrClock") InstantSource clock) {
		return new DiskStoreFactory(database, codec, clock);
	}

}
