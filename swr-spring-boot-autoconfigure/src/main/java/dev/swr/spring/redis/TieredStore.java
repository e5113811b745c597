package dev.swr.spring.redis;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.swr.core.MemoryStore;
import dev.swr.core.SharedStore;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException;

/**
 * The {@code tiered} store: a Caffeine first tier in this JVM (each entry kept at most
 * {@code swr.tiered.local-ttl}) in front of the shared Redis store. A first-tier hit never touches
 * Redis, so a dead Redis leaves hot keys answering. Every write and evict is published on the
 * invalidation channel, and the other instances drop the key from their first tier.
 * <p>
 * First-tier keys are the keys' string forms, the same as in Redis, so an invalidation message
 * names exactly the entry to drop.
 */
public final class TieredStore implements SharedStore<Object, Object> {

	private final String cacheName;

	private final MemoryStore<String, Object> local;

	private final RedisStore shared;

	private final RedisInvalidations invalidations;

	TieredStore(String cacheName, MemoryStore<String, Object> local, RedisStore shared,
			RedisInvalidations invalidations) {
		this.cacheName = cacheName;
		this.local = local;
		this.shared = shared;
		this.invalidations = invalidations;
	}

	@Override
	public @Nullable SwrEntry<Object> get(Object key) {
		String localKey = String.valueOf(key);
		SwrEntry<Object> entry = this.local.get(localKey);
		if (entry != null) {
			return entry;
		}
		entry = this.shared.get(key);
		if (entry != null) {
			this.local.put(localKey, entry);
		}
		return entry;
	}

	@Override
	public void put(Object key, SwrEntry<Object> entry) {
		String localKey = String.valueOf(key);
		this.local.put(localKey, entry);
		try {
			this.shared.put(key, entry);
		}
		finally {
			this.invalidations.publishEvict(this.cacheName, localKey, SwrStoreException.Operation.PUT);
		}
	}

	@Override
	public void evict(Object key) {
		String localKey = String.valueOf(key);
		this.local.evict(localKey);
		try {
			this.shared.evict(key);
		}
		finally {
			this.invalidations.publishEvict(this.cacheName, localKey, SwrStoreException.Operation.EVICT);
		}
	}

	@Override
	public void clear() {
		this.local.clear();
		try {
			this.shared.clear();
		}
		finally {
			this.invalidations.publishClear(this.cacheName);
		}
	}

	@Override
	public long estimatedSize() {
		return this.local.estimatedSize();
	}

	@Override
	public String kind() {
		return "tiered";
	}

	@Override
	public @Nullable String tryLease(Object key, Duration ttl) {
		return this.shared.tryLease(key, ttl);
	}

	@Override
	public void releaseLease(Object key, String token) {
		this.shared.releaseLease(key, token);
	}

	@Override
	public Duration lockWait() {
		return this.shared.lockWait();
	}

	/** Whether Redis answers now; the first tier answers either way. */
	@Override
	public boolean isReachable() {
		return this.shared.isReachable();
	}

	/** Drops one key from the first tier only (another instance changed it). */
	void dropLocal(String key) {
		this.local.evict(key);
	}

	/** Empties the first tier only. */
	void clearLocal() {
		this.local.clear();
	}

	String cacheName() {
		return this.cacheName;
	}

}
