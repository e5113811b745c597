package dev.swr.core.serial;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.type.TypeFactory;

/**
 * Turns an {@link SwrEntry} into bytes for a byte store and back. Immutable and thread-safe;
 * build one with {@link #builder()}.
 * <p>
 * The envelope is big-endian:
 * <pre>
 * 0..1   magic 0x53 0x57 ("SW")
 * 2      format version, 1
 * 3      flags: bit0 NULL_VALUE, bit1 GZIP, bit2 ZSTD, bit3 TYPE_NAME, bit4 TAGS
 * 4..35  writtenAt, freshUntil, staleUntil, expiresAt (epoch millis, four longs)
 * 36..   with TAGS: an unsigned byte count (1 to 32), then per tag an unsigned 16-bit length and
 *        that many bytes of UTF-8; never compressed
 * ..     payload, compressed if GZIP or ZSTD is set; once decompressed, with TYPE_NAME an
 *        unsigned 16-bit length and that many bytes of UTF-8 class name, then the serializer's bytes
 * </pre>
 * An untagged entry has no TAGS section, so its envelope is the same as before tags existed.
 * A null value has the NULL_VALUE flag and an empty payload. A payload is compressed only when the
 * serializer's bytes are at least the compression threshold.
 * <p>
 * When the declared type is {@code Object} (as with the Spring Cache API, which knows no type),
 * the codec is <em>untyped</em>: it writes the value's class name, and reads it back only if the
 * {@link TypeAllowList} allows the name, before the class is loaded. Only the top-level class is
 * recorded: elements of a collection in an untyped entry read back as plain JSON values (maps,
 * lists, strings, numbers). Array classes, such as {@code byte[]}, cannot be cached untyped.
 * <p>
 * Decoding never throws anything but a {@link SwrSerializationException}, whatever the bytes.
 * Java serialization is never used.
 */
public final class EnvelopeCodec {

	/** The length of the fixed header before the payload. */
	static final int HEADER_LENGTH = 36;

	static final byte MAGIC_0 = 0x53;

	static final byte MAGIC_1 = 0x57;

	static final byte VERSION = 1;

	static final int FLAG_NULL_VALUE = 1;

	static final int FLAG_GZIP = 1 << 1;

	static final int FLAG_ZSTD = 1 << 2;

	static final int FLAG_TYPE_NAME = 1 << 3;

	static final int FLAG_TAGS = 1 << 4;

	private static final int KNOWN_FLAGS = FLAG_NULL_VALUE | FLAG_GZIP | FLAG_ZSTD | FLAG_TYPE_NAME | FLAG_TAGS;

	/** The most tags an envelope holds, and the longest tag in UTF-8 bytes. */
	private static final int MAX_TAGS = 32;

	private static final int MAX_TAG_BYTES = 1024;

	private static final byte[] EMPTY = new byte[0];

	private static final int MAX_TYPE_NAME_BYTES = 0xFFFF;

	// One factory, for its cache of resolved types; it only resolves classes it is handed.
	private static final TypeFactory TYPE_FACTORY = TypeFactory.createDefaultInstance();

	private final SwrSerializer serializer;

	private final Compression compression;

	private final int compressionThreshold;

	private final TypeAllowList allowList;

	private final int maxValueSize;

	private final ClassLoader classLoader;

	private EnvelopeCodec(Builder builder) {
		this.serializer = (builder.serializer != null) ? builder.serializer : new JacksonJsonSerializer();
		this.compression = builder.compression;
		this.compressionThreshold = builder.compressionThreshold;
		this.allowList = builder.allowList;
		this.maxValueSize = builder.maxValueSize;
		this.classLoader = (builder.classLoader != null) ? builder.classLoader : defaultClassLoader();
	}

	/** A builder with the defaults: JSON, no compression, threshold 1024 bytes, JDK value types only, 8 MiB max-value-size. */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Encodes {@code entry}.
	 * @param entry the entry
	 * @param type the declared type of the value; {@code Object} for an untyped cache
	 * @return the envelope bytes
	 * @throws SwrSerializationException SERIALIZATION if the value cannot be written, or REFUSED_TYPE
	 * if an untyped value's class is not allowed (it could not be read back)
	 */
	public byte[] encode(SwrEntry<?> entry, JavaType type) {
		requireArgument(entry, "entry");
		requireArgument(type, "type");
		Object value = entry.value();
		byte[] tags = encodeTags(entry);
		int tagFlag = (tags.length > 0) ? FLAG_TAGS : 0;
		if (value == null) {
			return header(entry, FLAG_NULL_VALUE | tagFlag, tags.length).put(tags).array();
		}
		int flags = tagFlag;
		byte[] typeName = null;
		JavaType writeType = type;
		if (isUntyped(type)) {
			String className = value.getClass().getName();
			// Refused now rather than written and refused at every read.
			if (!this.allowList.isAllowed(className)) {
				throw new SwrSerializationException(SwrStoreException.Reason.REFUSED_TYPE, "Class '" + className
						+ "' of an untyped value is not in the " + this.allowList + " and could not be read back");
			}
			typeName = className.getBytes(StandardCharsets.UTF_8);
			if (typeName.length > MAX_TYPE_NAME_BYTES) {
				throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION,
						"Class name of " + typeName.length + " bytes is longer than " + MAX_TYPE_NAME_BYTES);
			}
			flags |= FLAG_TYPE_NAME;
			writeType = TYPE_FACTORY.constructType(value.getClass());
		}
		byte[] serialized = serialize(value, writeType);
		byte[] payload = serialized;
		if (typeName != null) {
			payload = new byte[2 + typeName.length + serialized.length];
			ByteBuffer.wrap(payload).putShort((short) typeName.length).put(typeName).put(serialized);
		}
		if (payload.length > this.maxValueSize) {
			// Refused now rather than written and refused at every read.
			throw SwrSerializationException.tooLarge("Value serializes to " + payload.length
					+ " bytes, more than the max-value-size of " + this.maxValueSize + " bytes");
		}
		if (this.compression != Compression.NONE && serialized.length >= this.compressionThreshold) {
			payload = this.compression.compress(payload);
			flags |= (this.compression == Compression.GZIP) ? FLAG_GZIP : FLAG_ZSTD;
		}
		return header(entry, flags, tags.length + payload.length).put(tags).put(payload).array();
	}

	/**
	 * The {@code expiresAt} of an envelope, read from its header alone (nothing is decoded): what a
	 * backend with no per-key expiry of its own needs to sweep expired entries.
	 * @param bytes stored bytes
	 * @return epoch millis, or {@code -1} when the bytes are not an envelope this codec can read
	 */
	public static long expiresAtOf(byte @Nullable [] bytes) {
		if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1
				|| bytes[2] != VERSION) {
			return -1;
		}
		long expiresAt = ByteBuffer.wrap(bytes, 28, 8).getLong();
		return (expiresAt >= 0) ? expiresAt : -1;
	}

	/**
	 * Decodes bytes read from a store.
	 * @param bytes the bytes; anything at all
	 * @param type the declared type of the value; {@code Object} for an untyped cache
	 * @return the entry
	 * @throws SwrSerializationException CORRUPT if the bytes are not a valid envelope or payload, or
	 * REFUSED_TYPE if an untyped entry names a class the allow-list does not allow
	 */
	public SwrEntry<?> decode(byte @Nullable [] bytes, JavaType type) {
		requireArgument(type, "type");
		if (bytes == null || bytes.length < HEADER_LENGTH) {
			throw SwrSerializationException.corrupt("Envelope is truncated: " + ((bytes != null) ? bytes.length : 0)
					+ " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
		}
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		if (buffer.get() != MAGIC_0 || buffer.get() != MAGIC_1) {
			throw SwrSerializationException.corrupt("Bytes are not an entry envelope: bad magic");
		}
		byte version = buffer.get();
		if (version != VERSION) {
			throw SwrSerializationException.corrupt("Unknown envelope version " + (version & 0xFF)
					+ "; this codec reads version " + VERSION);
		}
		int flags = buffer.get() & 0xFF;
		checkFlags(flags);
		long writtenAt = buffer.getLong();
		long freshUntil = buffer.getLong();
		long staleUntil = buffer.getLong();
		long expiresAt = buffer.getLong();
		if (!(writtenAt <= freshUntil && freshUntil <= staleUntil && staleUntil <= expiresAt)) {
			throw SwrSerializationException.corrupt("Envelope instants out of order: writtenAt=" + writtenAt
					+ ", freshUntil=" + freshUntil + ", staleUntil=" + staleUntil + ", expiresAt=" + expiresAt);
		}
		List<String> tags = ((flags & FLAG_TAGS) != 0) ? decodeTags(buffer) : List.of();
		int payloadOffset = buffer.position();
		int payloadLength = bytes.length - payloadOffset;
		if ((flags & FLAG_NULL_VALUE) != 0) {
			if (payloadLength != 0) {
				throw SwrSerializationException.corrupt("Null-value envelope has a payload of " + payloadLength + " bytes");
			}
			return new SwrEntry<>(null, writtenAt, freshUntil, staleUntil, expiresAt, tags);
		}
		if (payloadLength > maxStoredPayload(this.maxValueSize)) {
			throw SwrSerializationException.tooLarge("Stored payload of " + payloadLength
					+ " bytes is larger than the max-value-size of " + this.maxValueSize + " bytes");
		}
		byte[] payload = compressionOf(flags).decompress(bytes, payloadOffset, payloadLength, this.maxValueSize);
		int valueOffset = 0;
		JavaType readType = type;
		if ((flags & FLAG_TYPE_NAME) != 0) {
			if (payload.length < 2) {
				throw SwrSerializationException.corrupt("Payload is truncated: no room for the class name length");
			}
			int nameLength = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
			if (payload.length - 2 < nameLength) {
				throw SwrSerializationException.corrupt("Payload is truncated: class name of " + nameLength
						+ " bytes but only " + (payload.length - 2) + " left");
			}
			valueOffset = 2 + nameLength;
			if (isUntyped(type)) {
				readType = resolveAllowed(decodeName(payload, nameLength));
			}
			// A declared type wins over a recorded name: the caller's type is trusted, the bytes are not.
		}
		byte[] serialized = (valueOffset == 0) ? payload : Arrays.copyOfRange(payload, valueOffset, payload.length);
		Object value = deserialize(serialized, readType);
		return new SwrEntry<>(value, writtenAt, freshUntil, staleUntil, expiresAt, tags);
	}

	/** The TAGS section of {@code entry}, empty for an untagged entry. */
	private static byte[] encodeTags(SwrEntry<?> entry) {
		List<String> tags = entry.tags();
		if (tags.isEmpty()) {
			return EMPTY;
		}
		if (tags.size() > MAX_TAGS) {
			throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION,
					"Entry has " + tags.size() + " tags; an envelope holds at most " + MAX_TAGS);
		}
		byte[][] encoded = new byte[tags.size()][];
		int length = 1;
		for (int i = 0; i < encoded.length; i++) {
			encoded[i] = tags.get(i).getBytes(StandardCharsets.UTF_8);
			if (encoded[i].length > MAX_TAG_BYTES) {
				throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION, "Tag of "
						+ encoded[i].length + " bytes is longer than " + MAX_TAG_BYTES);
			}
			length += 2 + encoded[i].length;
		}
		ByteBuffer section = ByteBuffer.allocate(length).put((byte) encoded.length);
		for (byte[] tag : encoded) {
			section.putShort((short) tag.length).put(tag);
		}
		return section.array();
	}

	/** Reads the TAGS section at the buffer's position, leaving it at the payload. */
	private static List<String> decodeTags(ByteBuffer buffer) {
		if (buffer.remaining() < 1) {
			throw SwrSerializationException.corrupt("Envelope is truncated: no room for the tag count");
		}
		int count = buffer.get() & 0xFF;
		if (count == 0 || count > MAX_TAGS) {
			throw SwrSerializationException.corrupt("Envelope has " + count + " tags; 1 to " + MAX_TAGS + " expected");
		}
		String[] tags = new String[count];
		for (int i = 0; i < count; i++) {
			if (buffer.remaining() < 2) {
				throw SwrSerializationException.corrupt("Envelope is truncated: no room for the length of tag " + i);
			}
			int length = buffer.getShort() & 0xFFFF;
			if (length == 0 || length > MAX_TAG_BYTES || buffer.remaining() < length) {
				throw SwrSerializationException.corrupt("Tag " + i + " of " + length + " bytes does not fit: "
						+ buffer.remaining() + " bytes left, at most " + MAX_TAG_BYTES + " allowed");
			}
			tags[i] = decodeUtf8(buffer, length, "tag " + i);
		}
		return List.of(tags);
	}

	/** The payload format. */
	public SwrSerializer serializer() {
		return this.serializer;
	}

	/** The compression of payloads at or above {@link #compressionThreshold()}. */
	public Compression compression() {
		return this.compression;
	}

	/** The serialized size in bytes from which payloads are compressed. */
	public int compressionThreshold() {
		return this.compressionThreshold;
	}

	/** The classes an untyped entry may name. */
	public TypeAllowList allowList() {
		return this.allowList;
	}

	/**
	 * The largest value payload, in bytes: a value that serializes to more is not written, and a
	 * stored payload that is or decompresses to more is read as too large.
	 */
	public int maxValueSize() {
		return this.maxValueSize;
	}

	/**
	 * The most bytes a stored envelope of a value within {@link #maxValueSize()} can take: the
	 * header, and the payload with room for compression's own overhead on incompressible data.
	 * A byte store may refuse to transfer anything longer.
	 */
	public int maxEnvelopeSize() {
		return (int) Math.min(Integer.MAX_VALUE, HEADER_LENGTH + (long) maxStoredPayload(this.maxValueSize));
	}

	private static int maxStoredPayload(int maxValueSize) {
		return (int) Math.min(Integer.MAX_VALUE, maxValueSize + maxValueSize / 256L + 1024);
	}

	private static boolean isUntyped(JavaType type) {
		return type.getRawClass() == Object.class;
	}

	private byte[] serialize(Object value, JavaType type) {
		try {
			byte[] serialized = this.serializer.serialize(value, type);
			if (serialized == null) {
				throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION,
						"Serializer " + this.serializer.getClass().getName() + " returned null");
			}
			return serialized;
		}
		catch (SwrSerializationException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// A custom serializer may throw anything; callers rely on one exception type.
			throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION,
					"Cannot serialize a value of " + value.getClass().getName() + ": " + ex, ex);
		}
	}

	private @Nullable Object deserialize(byte[] serialized, JavaType type) {
		try {
			return this.serializer.deserialize(serialized, type);
		}
		catch (SwrSerializationException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			throw SwrSerializationException.corrupt("Cannot read payload as " + type.toCanonical() + ": " + ex, ex);
		}
	}

	private static void checkFlags(int flags) {
		if ((flags & ~KNOWN_FLAGS) != 0) {
			throw SwrSerializationException.corrupt("Envelope has unknown flags 0x" + Integer.toHexString(flags));
		}
		if ((flags & FLAG_GZIP) != 0 && (flags & FLAG_ZSTD) != 0) {
			throw SwrSerializationException.corrupt("Envelope claims both GZIP and ZSTD compression");
		}
		// The encoder writes a null value with no other flag but TAGS; anything else was not written by it.
		if ((flags & FLAG_NULL_VALUE) != 0 && (flags & ~FLAG_TAGS) != FLAG_NULL_VALUE) {
			throw SwrSerializationException.corrupt("Null-value envelope has other flags 0x" + Integer.toHexString(flags));
		}
	}

	private static Compression compressionOf(int flags) {
		if ((flags & FLAG_GZIP) != 0) {
			return Compression.GZIP;
		}
		return ((flags & FLAG_ZSTD) != 0) ? Compression.ZSTD : Compression.NONE;
	}

	private static String decodeName(byte[] payload, int nameLength) {
		return decodeUtf8(ByteBuffer.wrap(payload, 2, nameLength), nameLength, "Class name");
	}

	/** The next {@code length} bytes of {@code buffer} as strict UTF-8: malformed bytes are corruption. */
	private static String decodeUtf8(ByteBuffer buffer, int length, String what) {
		ByteBuffer slice = buffer.slice(buffer.position(), length);
		buffer.position(buffer.position() + length);
		try {
			CharBuffer text = StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(slice);
			return text.toString();
		}
		catch (CharacterCodingException ex) {
			throw SwrSerializationException.corrupt(what + " is not valid UTF-8", ex);
		}
	}

	private JavaType resolveAllowed(String className) {
		// Checked on the name alone: a refused class is never loaded, so its static initializer never runs.
		if (!this.allowList.isAllowed(className)) {
			throw new SwrSerializationException(SwrStoreException.Reason.REFUSED_TYPE,
					"Entry names class '" + truncate(className) + "', which is not in the " + this.allowList);
		}
		Class<?> valueClass;
		try {
			valueClass = Class.forName(className, false, this.classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw SwrSerializationException.corrupt("Entry names class '" + className + "', which cannot be loaded", ex);
		}
		return TYPE_FACTORY.constructType(valueClass);
	}

	private static String truncate(String name) {
		return (name.length() <= 200) ? name : name.substring(0, 200) + "...";
	}

	private static ByteBuffer header(SwrEntry<?> entry, int flags, int payloadLength) {
		return ByteBuffer.allocate(HEADER_LENGTH + payloadLength)
				.put(MAGIC_0).put(MAGIC_1).put(VERSION).put((byte) flags)
				.putLong(entry.writtenAt()).putLong(entry.freshUntil())
				.putLong(entry.staleUntil()).putLong(entry.expiresAt());
	}

	private static void requireArgument(@Nullable Object argument, String name) {
		if (argument == null) {
			throw new IllegalArgumentException("'" + name + "' must not be null");
		}
	}

	private static ClassLoader defaultClassLoader() {
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		return (loader != null) ? loader : EnvelopeCodec.class.getClassLoader();
	}

	/**
	 * Builds an {@link EnvelopeCodec}. Each setting is checked when it is set, and the message
	 * names the setting.
	 */
	public static final class Builder {

		private @Nullable SwrSerializer serializer;

		private Compression compression = Compression.NONE;

		private int compressionThreshold = 1024;

		private TypeAllowList allowList = TypeAllowList.jdkValueTypes();

		private int maxValueSize = 8 * 1024 * 1024;

		private @Nullable ClassLoader classLoader;

		private Builder() {
		}

		/**
		 * The payload format; a {@link JacksonJsonSerializer} with its own mapper by default.
		 * @param serializer the serializer
		 * @return this builder
		 * @throws IllegalArgumentException if {@code serializer} is null
		 */
		public Builder serializer(SwrSerializer serializer) {
			if (serializer == null) {
				throw new IllegalArgumentException("'serializer' must not be null");
			}
			this.serializer = serializer;
			return this;
		}

		/**
		 * The compression of large payloads; {@link Compression#NONE} by default.
		 * @param compression the compression
		 * @return this builder
		 * @throws IllegalArgumentException if {@code compression} is null, or ZSTD without zstd-jni
		 */
		public Builder compression(Compression compression) {
			if (compression == null) {
				throw new IllegalArgumentException("'compression' must not be null");
			}
			this.compression = compression.requireAvailable();
			return this;
		}

		/**
		 * The serialized size in bytes from which payloads are compressed; 1024 by default.
		 * @param bytes the threshold in bytes; 0 compresses every non-null payload
		 * @return this builder
		 * @throws IllegalArgumentException if {@code bytes} is negative
		 */
		public Builder compressionThreshold(int bytes) {
			if (bytes < 0) {
				throw new IllegalArgumentException("'compressionThreshold' must not be negative but was " + bytes);
			}
			this.compressionThreshold = bytes;
			return this;
		}

		/**
		 * The classes an untyped entry may name; the JDK value types only by default.
		 * @param allowList the allow-list
		 * @return this builder
		 * @throws IllegalArgumentException if {@code allowList} is null
		 */
		public Builder allowList(TypeAllowList allowList) {
			if (allowList == null) {
				throw new IllegalArgumentException("'allowList' must not be null");
			}
			this.allowList = allowList;
			return this;
		}

		/**
		 * The largest value payload in bytes ({@code swr.serializer.max-value-size}); 8 MiB by
		 * default. A value that serializes to more is not written; a stored payload that is, or
		 * decompresses to, more is read as {@code TOO_LARGE}: this bounds the memory one read of a
		 * forged or oversized entry takes.
		 * @param bytes the bound in bytes
		 * @return this builder
		 * @throws IllegalArgumentException if {@code bytes} is zero or negative
		 */
		public Builder maxValueSize(int bytes) {
			if (bytes <= 0) {
				throw new IllegalArgumentException("'maxValueSize' must be positive but was " + bytes);
			}
			this.maxValueSize = bytes;
			return this;
		}

		/**
		 * The class loader of untyped entries' classes; by default the thread context class loader
		 * when the codec is built, or else this library's.
		 * @param classLoader the class loader
		 * @return this builder
		 * @throws IllegalArgumentException if {@code classLoader} is null
		 */
		public Builder classLoader(ClassLoader classLoader) {
			if (classLoader == null) {
				throw new IllegalArgumentException("'classLoader' must not be null");
			}
			this.classLoader = classLoader;
			return this;
		}

		/** The codec. */
		public EnvelopeCodec build() {
			return new EnvelopeCodec(this);
		}

	}

}
