package dev.swr.spring.disk;

import java.time.InstantSource;

import dev.swr.core.SwrStore;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.SerializingStore;
import dev.swr.spring.cache.ByteStores;
import dev.swr.spring.cache.SwrStoreFactory;
import org.springframework.core.ResolvableType;

/**
 * Creates the {@code disk} store of each cache: a first tier of decoded entries in front of the
 * cache's column family in the application's {@link DiskDatabase}. Values are typed by the declared
 * return type of the methods using the cache; where there is none (the Spring Cache API), each entry
 * records its class name, checked against {@code swr.serializer.allowed-packages}.
 */
public final class DiskStoreFactory implements SwrStoreFactory {

	private final DiskDatabase database;

	private final EnvelopeCodec codec;

	private final InstantSource clock;

	/**
	 * @param database the application's database
	 * @param codec the envelope codec
	 * @param clock the engine's clock (for the first tier)
	 */
	public DiskStoreFactory(DiskDatabase database, EnvelopeCodec codec, InstantSource clock) {
		this.database = database;
		this.codec = codec;
		this.clock = clock;
	}

	@Override
	public SwrStore<Object, Object> createStore(String cacheName, long maximumSize, ResolvableType valueType) {
		SerializingStore<Object, Object> entries = ByteStores.serializing(cacheName, this.codec, valueType,
				new DiskByteStorage(this.database, cacheName));
		return new DiskStore(maximumSize, this.clock, entries, this.database, cacheName);
	}

}
