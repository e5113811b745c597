package dev.swr.core.serial;

import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@link ByteStorage} backed by a {@link HashMap}, for tests. Records the expiry of each put.
 */
class InMemoryByteStorage implements ByteStorage {

	final Map<String, byte[]> bytes = new HashMap<>();

	final Map<String, Long> expiries = new HashMap<>();

	@Override
	public byte @Nullable [] get(String key) {
		return this.bytes.get(key);
	}

	@Override
	public void put(String key, byte[] bytes, long expiresAtEpochMillis) {
		this.bytes.put(key, bytes);
		this.expiries.put(key, expiresAtEpochMillis);
	}

	@Override
	public void delete(String key) {
		this.bytes.remove(key);
		this.expiries.remove(key);
	}

	@Override
	public boolean clear() {
		boolean any = !this.bytes.isEmpty();
		this.bytes.clear();
		this.expiries.clear();
		return any;
	}

	@Override
	public long estimatedSize() {
		return this.bytes.size();
	}

	@Override
	public String kind() {
		return "in-memory";
	}

}
