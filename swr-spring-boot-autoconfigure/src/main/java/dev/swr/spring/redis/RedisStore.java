package dev.swr.spring.redis;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.swr.core.SharedStore;
import dev.swr.core.SwrEntry;
import dev.swr.core.serial.SerializingStore;

/**
 * The {@code redis} store: entries as versioned envelopes under {@code <prefix><cache>::<key>},
 * shared by every instance, which coordinate refreshes through a lease per key
 * ({@code SET {<tag>}<prefix>lease:<cache>::<key> <token> NX PX <refresh-timeout>}, released by a
 * compare-and-delete script so a late release never frees another instance's lease). A load's write
 * is fenced by its lease (written only if the lease still holds its token, in one script), and a
 * write or evict not under a lease ends the key's lease: a load that lost its lease never replaces
 * a newer value.
 */
final class RedisStore implements SharedStore<Object, Object> {

	private final SerializingStore<Object, Object> entries;

	private final RedisGateway redis;

	private final RedisByteStorage storage;

	private final boolean leases;

	private final Duration lockWait;

	private final RedisTagMarks tagMarks;

	RedisStore(SerializingStore<Object, Object> entries, RedisByteStorage storage, RedisGateway redis, boolean leases,
			Duration lockWait, RedisTagMarks tagMarks) {
		this.entries = entries;
		this.tagMarks = tagMarks;
		this.storage = storage;
		this.redis = redis;
		this.leases = leases;
		this.lockWait = lockWait;
	}

	@Override
	public @Nullable SwrEntry<Object> get(Object key) {
		return this.entries.get(key);
	}

	@Override
	public CompletableFuture<@Nullable SwrEntry<Object>> getAsync(Object key) {
		return this.entries.getAsync(key);
	}

	@Override
	public boolean blocksOnRead() {
		return true;
	}

	@Override
	public void put(Object key, SwrEntry<Object> entry) {
		this.entries.put(key, entry);
	}

	/** A fenced write; with {@code swr.redis.lease=false} there are no leases to fence by, and it writes. */
	@Override
	public boolean putFenced(Object key, SwrEntry<Object> entry, String lease) {
		if (!this.leases) {
			this.entries.put(key, entry);
			return true;
		}
		return this.entries.putFenced(key, entry, lease);
	}

	@Override
	public void evict(Object key) {
		this.entries.evict(key);
	}

	@Override
	public boolean clear() {
		return this.entries.clear();
	}

	@Override
	public String kind() {
		return "redis";
	}

	@Override
	public RedisTagMarks tagMarks() {
		return this.tagMarks;
	}

	@Override
	public @Nullable String tryLease(Object key, Duration ttl) {
		String token = UUID.randomUUID().toString();
		if (!this.leases) {
			return token;
		}
		return this.redis.setIfAbsent(this.storage.leaseKey(String.valueOf(key)), token, ttl) ? token : null;
	}

	@Override
	public CompletableFuture<@Nullable String> tryLeaseAsync(Object key, Duration ttl) {
		String token = UUID.randomUUID().toString();
		if (!this.leases) {
			return CompletableFuture.completedFuture(token);
		}
		return this.redis.setIfAbsentAsync(this.storage.leaseKey(String.valueOf(key)), token, ttl)
			.thenApply((taken) -> taken ? token : null);
	}

	@Override
	public void releaseLease(Object key, String token) {
		if (this.leases) {
			this.redis.deleteIfEquals(this.storage.leaseKey(String.valueOf(key)), token);
		}
	}

	@Override
	public Duration lockWait() {
		return this.leases ? this.lockWait : Duration.ZERO;
	}

	/** Whether Redis answers now. */
	@Override
	public boolean isReachable() {
		return this.redis.ping();
	}

}
