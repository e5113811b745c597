package dev.swr.spring.disk;

import java.nio.charset.StandardCharsets;

import dev.swr.core.serial.ByteStorage;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one cache in the {@link DiskDatabase}: its column family, keyed by the keys' string
 * forms. Reads are local and quick, so they answer at once ({@link #blocksOnRead()} is false);
 * values larger than {@code max-value-size} are never written (the codec refuses them), so one read
 * never holds more than that plus a corrupt file's worth.
 * <p>
 * {@link DiskStoreFactory} puts a first tier in front of it; on its own, under a
 * {@link dev.swr.core.serial.SerializingStore}, it is a disk store without one (every read decodes).
 */
public final class DiskByteStorage implements ByteStorage {

	private final DiskDatabase database;

	private final String cacheName;

	/**
	 * The bytes of {@code cacheName}, its column family created if it has none yet.
	 * @param database the application's database
	 * @param cacheName the cache
	 */
	public DiskByteStorage(DiskDatabase database, String cacheName) {
		this.database = database;
		this.cacheName = cacheName;
		database.family(cacheName);
	}

	@Override
	public byte @Nullable [] get(String key) {
		return this.database.get(this.cacheName, bytes(key));
	}

	@Override
	public void put(String key, byte[] bytes, long expiresAtEpochMillis) {
		this.database.put(this.cacheName, bytes(key), bytes);
	}

	@Override
	public void delete(String key) {
		this.database.delete(this.cacheName, bytes(key));
	}

	@Override
	public boolean clear() {
		return this.database.clear(this.cacheName);
	}

	@Override
	public long estimatedSize() {
		return this.database.estimatedKeys(this.cacheName);
	}

	@Override
	public String kind() {
		return "disk";
	}

	private static byte[] bytes(String key) {
		return key.getBytes(StandardCharsets.UTF_8);
	}

}
