package dev.swr.core.serial;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

/**
 * A payload format: turns one value into bytes and back. The {@link EnvelopeCodec} wraps these
 * bytes with the entry's instants, compression and, for untyped caches, the value's class name.
 * <p>
 * Implementations must be thread-safe and must never use Java serialization. Reading bytes that
 * were tampered with must fail with a {@link SwrSerializationException}, not instantiate a class
 * the bytes name.
 */
public interface SwrSerializer {

	/**
	 * Writes {@code value}.
	 * @param value the value; may be {@code null} only if the format can represent it
	 * @param type the declared type of the value, or its runtime class for untyped caches
	 * @return the payload bytes
	 * @throws SwrSerializationException with reason {@code SERIALIZATION} if the value cannot be written
	 */
	byte[] serialize(@Nullable Object value, JavaType type);

	/**
	 * Reads a value of {@code type} from {@code payload}.
	 * @param payload bytes written by {@link #serialize}, or anything else a store returned
	 * @param type the type to read
	 * @return the value, possibly {@code null}
	 * @throws SwrSerializationException with reason {@code CORRUPT} if the bytes are not a value of {@code type}
	 */
	@Nullable Object deserialize(byte[] payload, JavaType type);

}
