package dev.swr.spring.redis;

import java.time.Duration;
import java.time.InstantSource;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;

import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.SerializingStore;
import dev.swr.spring.cache.ByteStores;
import dev.swr.spring.cache.SwrStoreFactory;

/**
 * Creates the {@code redis} or {@code tiered} store of each cache. Values are typed by the
 * declared return type of the methods using the cache; where there is none (the Spring Cache API),
 * each entry records its class name, which is checked against {@code swr.serializer.allowed-packages}.
 */
public final class RedisStoreFactory implements SwrStoreFactory {

	private final RedisGateway redis;

	private final EnvelopeCodec codec;

	private final InstantSource clock;

	private final String keyPrefix;

	private final boolean leases;

	private final Duration lockWait;

	private final @Nullable RedisInvalidations invalidations;

	private final @Nullable Duration localTtl;

	/**
	 * @param redis the gateway to Redis
	 * @param codec the envelope codec
	 * @param clock the engine's clock (for the first tier)
	 * @param keyPrefix {@code swr.redis.key-prefix}
	 * @param leases {@code swr.redis.lease}
	 * @param lockWait {@code swr.redis.lock-wait}
	 * @param invalidations the invalidation channel for a tiered store, or {@code null} for a plain
	 * redis store
	 * @param localTtl {@code swr.tiered.local-ttl}, for a tiered store
	 */
	public RedisStoreFactory(RedisGateway redis, EnvelopeCodec codec, InstantSource clock, String keyPrefix, boolean leases,
			Duration lockWait, @Nullable RedisInvalidations invalidations, @Nullable Duration localTtl) {
		this.redis = redis;
		this.codec = codec;
		this.clock = clock;
		this.keyPrefix = keyPrefix;
		this.leases = leases;
		this.lockWait = lockWait;
		this.invalidations = invalidations;
		this.localTtl = localTtl;
	}

	@Override
	public SwrStore<Object, Object> createStore(String cacheName, long maximumSize, ResolvableType valueType) {
		RedisByteStorage storage = new RedisByteStorage(this.redis, this.keyPrefix, cacheName);
		SerializingStore<Object, Object> entries = ByteStores.serializing(cacheName, this.codec, valueType, storage);
		RedisStore shared = new RedisStore(entries, storage, this.redis, this.leases, this.lockWait,
				new RedisTagMarks(this.redis, this.keyPrefix, cacheName, this.invalidations));
		if (this.invalidations == null) {
			return shared;
		}
		TieredStore tiered = new TieredStore(cacheName, maximumSize, this.clock, this.localTtl, shared,
				this.invalidations);
		this.invalidations.register(tiered);
		return tiered;
	}

}
