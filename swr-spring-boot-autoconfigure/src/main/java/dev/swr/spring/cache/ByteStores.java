package dev.swr.spring.cache;

import dev.swr.core.serial.ByteStorage;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.SerializingStore;
import org.springframework.core.ResolvableType;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.type.TypeFactory;

/**
 * What the store factories of byte stores (redis, tiered, disk) share: the entries of one cache as
 * envelopes in its {@link ByteStorage}, typed by the value type the cache's methods declare.
 */
public final class ByteStores {

	private static final TypeFactory TYPES = TypeFactory.createDefaultInstance();

	private ByteStores() {
	}

	/**
	 * A serializing store of one cache over {@code storage}.
	 * @param cacheName the cache
	 * @param codec the envelope codec
	 * @param valueType the type every method using the cache agrees on, or {@link ResolvableType#NONE}:
	 * then each entry records its class name, checked against {@code swr.serializer.allowed-packages}
	 * @param storage the cache's bytes
	 * @return the store
	 */
	public static SerializingStore<Object, Object> serializing(String cacheName, EnvelopeCodec codec,
			ResolvableType valueType, ByteStorage storage) {
		JavaType type = (valueType == ResolvableType.NONE) ? TYPES.constructType(Object.class)
				: TYPES.constructType(valueType.getType());
		return new SerializingStore<>(cacheName, codec, type, storage);
	}

}
