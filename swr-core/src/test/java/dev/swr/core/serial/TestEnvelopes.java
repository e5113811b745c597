package dev.swr.core.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import dev.swr.core.SwrEntry;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.type.TypeFactory;

/**
 * Builds envelopes by hand, so tests can forge what {@link EnvelopeCodec} itself never writes.
 */
final class TestEnvelopes {

	static final TypeFactory TYPES = TypeFactory.createDefaultInstance();

	static final JavaType OBJECT = TYPES.constructType(Object.class);

	static final JavaType STRING = TYPES.constructType(String.class);

	static final long WRITTEN_AT = 1_767_225_600_000L;

	private TestEnvelopes() {
	}

	static <V> SwrEntry<V> entry(V value) {
		return new SwrEntry<>(value, WRITTEN_AT, WRITTEN_AT + 1_000, WRITTEN_AT + 60_000, WRITTEN_AT + 3_600_000);
	}

	static byte[] envelope(int flags, byte[] payload) {
		return envelope(1, flags, WRITTEN_AT, WRITTEN_AT + 1, WRITTEN_AT + 2, WRITTEN_AT + 3, payload);
	}

	static byte[] envelope(int version, int flags, long writtenAt, long freshUntil, long staleUntil, long expiresAt,
			byte[] payload) {
		return ByteBuffer.allocate(36 + payload.length)
			.put((byte) 'S')
			.put((byte) 'W')
			.put((byte) version)
			.put((byte) flags)
			.putLong(writtenAt)
			.putLong(freshUntil)
			.putLong(staleUntil)
			.putLong(expiresAt)
			.put(payload)
			.array();
	}

	/** A decompressed untyped payload: the class name, then the serializer's bytes. */
	static byte[] typedPayload(String className, String json) {
		byte[] name = className.getBytes(StandardCharsets.UTF_8);
		byte[] value = json.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(2 + name.length + value.length)
			.putShort((short) name.length)
			.put(name)
			.put(value)
			.array();
	}

	static byte[] gzip(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(data);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

}
