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
 * ({@code SET <prefix>lease:<cache>::<key> <token> NX PX <refresh-timeout>}, released by a
 * compare-and-delete script so a late release never frees another instance's lease).
 */
final class RedisStore implements SharedStore<Object, Object> {

	private final SerializingStore<Object, Object> entries;

	private final RedisGateway redis;

	private final String leasePrefix;

	private final boolean leases;

	private final Duration lockWait;

	RedisStore(String cacheName, SerializingStore<Object, Object> entries, RedisGateway redis, String keyPrefix,
			boolean leases, Duration lockWait) {
		this.entries = entries;
		this.redis = redis;
		this.leasePrefix = keyPrefix + "lease:" + cacheName + "::";
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
	public @Nullable String tryLease(Object key, Duration ttl) {
		String token = UUID.randomUUID().toString();
		if (!this.leases) {
			return token;
		}
		return this.redis.setIfAbsent(this.leasePrefix + key, token, ttl) ? token : null;
	}

	@Override
	public void releaseLease(Object key, String token) {
		if (this.leases) {
			this.redis.deleteIfEquals(this.leasePrefix + key, token);
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
