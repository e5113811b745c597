package dev.swr.spring.disk;

import java.nio.file.Path;
import java.time.InstantSource;

import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.spring.cache.SpringCacheContract;
import dev.swr.spring.cache.SwrStoreFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** {@link SpringCacheContract} with the disk store, on a RocksDB of each test's own. */
class DiskSpringCacheContractTest extends SpringCacheContract {

	@TempDir
	Path dir;

	private DiskDatabase database;

	@Override
	protected SwrStoreFactory storeFactory(InstantSource clock) {
		this.database = new DiskDatabase(this.dir.resolve("db"), DiskRestartTest.SETTINGS, clock);
		return new DiskStoreFactory(this.database, EnvelopeCodec.builder().build(), clock);
	}

	@AfterEach
	void closeDatabase() {
		if (this.database != null) {
			this.database.close();
		}
	}

}
