package dev.swr.core.serial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JavaType;

import static dev.swr.core.serial.TestEnvelopes.STRING;
import static dev.swr.core.serial.TestEnvelopes.TYPES;
import static dev.swr.core.serial.TestEnvelopes.WRITTEN_AT;
import static dev.swr.core.serial.TestEnvelopes.entry;
import static dev.swr.core.serial.TestEnvelopes.envelope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class EnvelopeCodecTests {

	private static final int THRESHOLD = 1024;

	private final JacksonJsonSerializer serializer = new JacksonJsonSerializer();

	record Sku(String code, int quantity, Instant restockedAt) {
	}

	static Stream<Arguments> values() {
		Map<String, Sku> shelf = new LinkedHashMap<>();
		shelf.put("a", new Sku("A-1", 3, Instant.parse("2026-03-04T05:06:07Z")));
		shelf.put("ü", new Sku("Ü-2", 0, Instant.EPOCH));
		List<Map<String, Sku>> shelves = new ArrayList<>(List.of(shelf, Map.of()));
		JavaType shelvesType = TYPES.constructCollectionType(List.class,
				TYPES.constructMapType(Map.class, String.class, Sku.class));
		return Stream.of(
				Arguments.of("", STRING),
				Arguments.of("héllo wörld ✓ 日本語 \uD83C\uDF89", STRING),
				Arguments.of(42, TYPES.constructType(Integer.class)),
				Arguments.of(Long.MIN_VALUE, TYPES.constructType(Long.class)),
				Arguments.of(new BigDecimal("12345.678900"), TYPES.constructType(BigDecimal.class)),
				Arguments.of(Instant.parse("2026-01-02T03:04:05.123456789Z"), TYPES.constructType(Instant.class)),
				Arguments.of(new Sku("X-9", 7, Instant.parse("2025-12-31T23:59:59Z")), TYPES.constructType(Sku.class)),
				Arguments.of(shelves, shelvesType),
				Arguments.of(new byte[0], TYPES.constructType(byte[].class)),
				Arguments.of(new byte[] { 0, 1, (byte) 0xFF, 0x7F }, TYPES.constructType(byte[].class)),
				Arguments.of(null, STRING));
	}

	static Stream<Arguments> valuesWithCompressions() {
		return values().flatMap((args) -> Stream.of(Compression.values())
			.map((compression) -> Arguments.of(args.get()[0], args.get()[1], compression)));
	}

	@ParameterizedTest
	@MethodSource("valuesWithCompressions")
	void valueRoundTripsWithItsInstants(Object value, JavaType type, Compression compression) {
		EnvelopeCodec codec = codec(compression);
		SwrEntry<Object> entry = entry(value);
		SwrEntry<?> decoded = codec.decode(codec.encode(entry, type), type);
		assertThat(decoded.value()).isEqualTo(value);
		assertSameInstants(decoded, entry);
	}

	@Test
	void genericValueReadsBackWithItsElementTypes() {
		EnvelopeCodec codec = codec(Compression.NONE);
		Arguments args = values().filter((a) -> a.get()[0] instanceof List).findFirst().orElseThrow();
		JavaType type = (JavaType) args.get()[1];
		List<?> decoded = (List<?>) codec.decode(codec.encode(entry(args.get()[0]), type), type).value();
		assertThat(((Map<?, ?>) decoded.get(0)).get("a")).isInstanceOf(Sku.class);
	}

	static Stream<Arguments> sizesWithCompressions() {
		return Stream.of(2, THRESHOLD - 1, THRESHOLD, 100 * 1024, 2 * 1024 * 1024)
			.flatMap((size) -> Stream.of(Compression.values()).map((compression) -> Arguments.of(size, compression)));
	}

	@ParameterizedTest(name = "{0} bytes with {1}")
	@MethodSource("sizesWithCompressions")
	void payloadIsCompressedFromTheThresholdOnAndCompressibleValuesShrink(int serializedSize, Compression compression) {
		EnvelopeCodec codec = codec(compression);
		String value = compressibleString(serializedSize - 2);
		assertThat(this.serializer.serialize(value, STRING)).hasSize(serializedSize);
		SwrEntry<String> entry = entry(value);

		byte[] bytes = codec.encode(entry, STRING);

		boolean compressed = compression != Compression.NONE && serializedSize >= THRESHOLD;
		assertThat(bytes[3]).isEqualTo(compressionFlag(compressed ? compression : Compression.NONE));
		if (compressed) {
			assertThat(bytes.length).isLessThan(36 + serializedSize / 2);
		}
		else {
			assertThat(bytes).hasSize(36 + serializedSize);
		}
		SwrEntry<?> decoded = codec.decode(bytes, STRING);
		assertThat(decoded.value()).isEqualTo(value);
		assertSameInstants(decoded, entry);
	}

	@Test
	void nullValueIsAFlagWithAnEmptyPayload() {
		byte[] bytes = codec(Compression.GZIP).encode(entry(null), STRING);
		assertThat(bytes).hasSize(36);
		assertThat(bytes[3]).isEqualTo((byte) EnvelopeCodec.FLAG_NULL_VALUE);
	}

	@Test
	void expiresAtIsReadFromTheHeaderAloneAndIsMinusOneForAnythingElse() {
		SwrEntry<String> entry = entry("x");
		byte[] envelope = codec(Compression.GZIP).encode(entry, STRING);
		assertThat(EnvelopeCodec.expiresAtOf(envelope)).isEqualTo(entry.expiresAt());
		assertThat(EnvelopeCodec.expiresAtOf(codec(Compression.NONE).encode(entry(null), STRING)))
			.isEqualTo(entry.expiresAt());
		assertThat(EnvelopeCodec.expiresAtOf(null)).isEqualTo(-1);
		assertThat(EnvelopeCodec.expiresAtOf(new byte[35])).isEqualTo(-1);
		assertThat(EnvelopeCodec.expiresAtOf("not an envelope, but long enough to have a header".getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(-1);
		byte[] otherVersion = envelope.clone();
		otherVersion[2] = 9;
		assertThat(EnvelopeCodec.expiresAtOf(otherVersion)).isEqualTo(-1);
	}

	@Test
	void headerIsBigEndianWithMagicVersionAndInstants() {
		SwrEntry<String> entry = entry("x");
		ByteBuffer header = ByteBuffer.wrap(codec(Compression.NONE).encode(entry, STRING));
		assertThat(header.get()).isEqualTo((byte) 0x53);
		assertThat(header.get()).isEqualTo((byte) 0x57);
		assertThat(header.get()).isEqualTo((byte) 1);
		assertThat(header.get()).isEqualTo((byte) 0);
		assertThat(header.getLong()).isEqualTo(entry.writtenAt());
		assertThat(header.getLong()).isEqualTo(entry.freshUntil());
		assertThat(header.getLong()).isEqualTo(entry.staleUntil());
		assertThat(header.getLong()).isEqualTo(entry.expiresAt());
		assertThat(new String(header.array(), 36, header.remaining(), StandardCharsets.UTF_8)).isEqualTo("\"x\"");
	}

	@Test
	void zstdIsAvailableOnTheTestClasspath() {
		assertThat(Compression.ZSTD.isAvailable()).isTrue();
		assertThat(Compression.GZIP.isAvailable()).isTrue();
		assertThat(Compression.NONE.isAvailable()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 2, 3, 255 })
	void unknownVersionIsCorrupt(int version) {
		byte[] bytes = codec(Compression.NONE).encode(entry("x"), STRING);
		bytes[2] = (byte) version;
		assertCorrupt(bytes, "version");
	}

	@Test
	void badMagicIsCorrupt() {
		byte[] bytes = codec(Compression.NONE).encode(entry("x"), STRING);
		bytes[1] = 'X';
		assertCorrupt(bytes, "magic");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0x20, 0x40, 0x80, 0xE0 })
	void flagsWithUnknownBitsAreCorrupt(int unknownBit) {
		assertCorrupt(envelope(unknownBit, "\"x\"".getBytes(StandardCharsets.UTF_8)), "flags");
	}

	@ParameterizedTest
	@EnumSource(Compression.class)
	void tagsRoundTripBesideTheValueAndAreNeverCompressed(Compression compression) {
		EnvelopeCodec codec = codec(compression);
		SwrEntry<String> tagged = new SwrEntry<>("x".repeat(4096), WRITTEN_AT, WRITTEN_AT + 1, WRITTEN_AT + 2,
				WRITTEN_AT + 3, List.of("books", "tenant:ä€", "t".repeat(256)));
		byte[] bytes = codec.encode(tagged, STRING);
		assertThat(bytes[3] & EnvelopeCodec.FLAG_TAGS).isNotZero();
		assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).contains("books");
		assertThat(codec.decode(bytes, STRING)).isEqualTo(tagged);
		SwrEntry<String> taggedNull = new SwrEntry<>(null, WRITTEN_AT, WRITTEN_AT, WRITTEN_AT, WRITTEN_AT, List.of("a"));
		assertThat(codec.decode(codec.encode(taggedNull, STRING), STRING)).isEqualTo(taggedNull);
	}

	@Test
	void anUntaggedEnvelopeHasNoTagSectionSoOlderReadersReadIt() {
		byte[] bytes = codec(Compression.NONE).encode(entry("x"), STRING);
		assertThat(bytes[3] & EnvelopeCodec.FLAG_TAGS).isZero();
		assertThat(bytes).hasSize(EnvelopeCodec.HEADER_LENGTH + "\"x\"".length());
	}

	@Test
	void malformedTagSectionsAreCorrupt() {
		byte[] payload = "\"x\"".getBytes(StandardCharsets.UTF_8);
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, new byte[0]), "tag count");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, concat(new byte[] { 0 }, payload)), "tags");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, concat(new byte[] { 33 }, payload)), "tags");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, new byte[] { 1, 0 }), "length of tag 0");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, new byte[] { 1, 0, 9, 'a' }), "does not fit");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, new byte[] { 1, 0, 0 }), "does not fit");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS, concat(new byte[] { 1, 0, 1, (byte) 0xC3 }, payload)), "UTF-8");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_TAGS | EnvelopeCodec.FLAG_NULL_VALUE, new byte[] { 1, 0, 1, 'a', 7 }),
				"payload");
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	@Test
	void flagsClaimingBothGzipAndZstdAreCorrupt() {
		assertCorrupt(envelope(EnvelopeCodec.FLAG_GZIP | EnvelopeCodec.FLAG_ZSTD, TestEnvelopes.gzip(new byte[] { 1 })),
				"GZIP and ZSTD");
	}

	@Test
	void nullValueWithAPayloadIsCorrupt() {
		assertCorrupt(envelope(EnvelopeCodec.FLAG_NULL_VALUE, new byte[] { 'x' }), "payload");
	}

	@Test
	void nullValueWithOtherFlagsIsCorrupt() {
		assertCorrupt(envelope(EnvelopeCodec.FLAG_NULL_VALUE | EnvelopeCodec.FLAG_GZIP, new byte[0]), "flags");
	}

	@Test
	void instantsOutOfOrderAreCorrupt() {
		long t = TestEnvelopes.WRITTEN_AT;
		byte[] payload = "\"x\"".getBytes(StandardCharsets.UTF_8);
		assertCorrupt(envelope(1, 0, t + 10, t, t + 20, t + 30, payload), "out of order");
		assertCorrupt(envelope(1, 0, t, t + 20, t + 10, t + 30, payload), "out of order");
		assertCorrupt(envelope(1, 0, t, t + 10, t + 30, t + 20, payload), "out of order");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 2, 3, 4, 20, 35 })
	void envelopeShorterThanTheHeaderIsCorrupt(int length) {
		byte[] bytes = codec(Compression.NONE).encode(entry("x"), STRING);
		assertCorrupt(java.util.Arrays.copyOf(bytes, length), "truncated");
	}

	@Test
	void nullBytesAreCorrupt() {
		assertCorrupt(null, "truncated");
	}

	@Test
	void emptyPayloadOfANonNullValueIsCorrupt() {
		assertCorrupt(envelope(0, new byte[0]), "");
	}

	@Test
	void payloadOfAnotherTypeIsCorrupt() {
		EnvelopeCodec codec = codec(Compression.NONE);
		byte[] bytes = codec.encode(entry("not a number"), STRING);
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.decode(bytes, TYPES.constructType(Integer.class)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT));
	}

	@Test
	void forgedGzipPayloadThatInflatesBeyondTheLimitIsTooLarge() {
		byte[] bomb = TestEnvelopes.gzip(new byte[4 * 1024 * 1024]);
		assertThat(bomb.length).isLessThan(8 * 1024);
		EnvelopeCodec codec = EnvelopeCodec.builder().maxValueSize(1024 * 1024).build();
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.decode(envelope(EnvelopeCodec.FLAG_GZIP, bomb), STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOO_LARGE))
			.withMessageContaining("max-value-size of 1048576");
	}

	@Test
	void forgedZstdPayloadThatInflatesBeyondTheLimitIsTooLarge() {
		byte[] bomb = Zstd.compress(new byte[4 * 1024 * 1024]);
		EnvelopeCodec codec = EnvelopeCodec.builder().maxValueSize(1024 * 1024).build();
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.decode(envelope(EnvelopeCodec.FLAG_ZSTD, bomb), STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOO_LARGE))
			.withMessageContaining("max-value-size");
	}

	@ParameterizedTest
	@EnumSource(value = Compression.class, names = { "GZIP", "ZSTD" })
	void payloadOfExactlyTheLimitDecompressesAndOneByteMoreIsTooLarge(Compression compression) {
		String value = compressibleString(4998);
		SwrEntry<String> entry = entry(value);
		byte[] bytes = EnvelopeCodec.builder().compression(compression).build().encode(entry, STRING);
		EnvelopeCodec atLimit = EnvelopeCodec.builder().maxValueSize(5000).build();
		EnvelopeCodec belowLimit = EnvelopeCodec.builder().maxValueSize(4999).build();
		assertThat(atLimit.decode(bytes, STRING).value()).isEqualTo(value);
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> belowLimit.decode(bytes, STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOO_LARGE));
	}

	@Test
	void aValueThatSerializesToMoreThanMaxValueSizeIsNotEncoded() {
		EnvelopeCodec codec = EnvelopeCodec.builder().compression(Compression.GZIP).maxValueSize(1000).build();
		assertThat(codec.decode(codec.encode(entry(compressibleString(900)), STRING), STRING).value()).isNotNull();
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.encode(entry(compressibleString(1200)), STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOO_LARGE))
			.withMessageContaining("max-value-size of 1000");
	}

	@Test
	void anUncompressedStoredPayloadLargerThanMaxValueSizeIsTooLargeBeforeItIsCopied() {
		byte[] bytes = EnvelopeCodec.builder().build().encode(entry(compressibleString(100_000)), STRING);
		EnvelopeCodec small = EnvelopeCodec.builder().maxValueSize(10_000).build();
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> small.decode(bytes, STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.TOO_LARGE))
			.withMessageContaining("Stored payload of");
		assertThat(small.maxEnvelopeSize()).isLessThan(bytes.length);
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, 1 })
	void zstdFrameWhoseDeclaredSizeIsWrongIsCorrupt(int error) {
		byte[] json = this.serializer.serialize(compressibleString(1000), STRING);
		byte[] frame = Zstd.compress(json);
		// 4 magic bytes, then the descriptor: one segment, the size in the next 2 bytes (LE, minus 256).
		assertThat(frame[4] & 0xE0).as("frame header descriptor").isEqualTo(0x60);
		assertThat((frame[5] & 0xFF | (frame[6] & 0xFF) << 8) + 256).isEqualTo(json.length);
		int forged = json.length + error - 256;
		frame[5] = (byte) forged;
		frame[6] = (byte) (forged >> 8);
		assertCorrupt(envelope(EnvelopeCodec.FLAG_ZSTD, frame), "Cannot decompress ZSTD payload");
	}

	@Test
	void zstdFrameThatDoesNotDeclareItsSizeIsStillDecoded() throws IOException {
		String value = compressibleString(3000);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		try (ZstdOutputStream zstd = new ZstdOutputStream(frame)) {
			zstd.write(this.serializer.serialize(value, STRING));
		}
		assertThat(Zstd.getFrameContentSize(frame.toByteArray())).as("no declared size").isNotPositive();
		assertThat(codec().decode(envelope(EnvelopeCodec.FLAG_ZSTD, frame.toByteArray()), STRING).value())
			.isEqualTo(value);
	}

	@Test
	void garbageUnderACompressionFlagIsCorrupt() {
		byte[] garbage = "definitely not compressed".getBytes(StandardCharsets.UTF_8);
		assertCorrupt(envelope(EnvelopeCodec.FLAG_GZIP, garbage), "decompress");
		assertCorrupt(envelope(EnvelopeCodec.FLAG_ZSTD, garbage), "decompress");
	}

	@Test
	void unserializableValueIsASerializationError() {
		EnvelopeCodec codec = codec(Compression.NONE);
		JavaType type = TYPES.constructType(JacksonJsonSerializerTests.Unserializable.class);
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.encode(entry(new JacksonJsonSerializerTests.Unserializable()), type))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.SERIALIZATION));
	}

	@Test
	void serializerThatThrowsSomethingElseIsWrapped() {
		SwrSerializer failing = new SwrSerializer() {

			@Override
			public byte[] serialize(Object value, JavaType type) {
				throw new IllegalStateException("boom");
			}

			@Override
			public Object deserialize(byte[] payload, JavaType type) {
				throw new ArrayIndexOutOfBoundsException("boom");
			}

		};
		EnvelopeCodec codec = EnvelopeCodec.builder().serializer(failing).build();
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> codec.encode(entry("x"), STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.SERIALIZATION));
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> codec.decode(envelope(0, new byte[] { 1 }), STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT));
	}

	@Test
	void builderHasTheDocumentedDefaults() {
		EnvelopeCodec codec = EnvelopeCodec.builder().build();
		assertThat(codec.serializer()).isInstanceOf(JacksonJsonSerializer.class);
		assertThat(codec.compression()).isEqualTo(Compression.NONE);
		assertThat(codec.compressionThreshold()).isEqualTo(1024);
		assertThat(codec.maxValueSize()).isEqualTo(8 * 1024 * 1024);
		assertThat(codec.allowList().prefixes()).isEmpty();
	}

	@Test
	void negativeCompressionThresholdIsRejectedNamingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().compressionThreshold(-1))
			.withMessageContaining("compressionThreshold");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, Integer.MIN_VALUE })
	void nonPositiveMaxDecompressedSizeIsRejectedNamingIt(int size) {
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().maxValueSize(size))
			.withMessageContaining("maxValueSize");
	}

	@Test
	void nullSettingsAreRejectedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().serializer(null))
			.withMessageContaining("serializer");
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().compression(null))
			.withMessageContaining("compression");
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().allowList(null))
			.withMessageContaining("allowList");
		assertThatIllegalArgumentException().isThrownBy(() -> EnvelopeCodec.builder().classLoader(null))
			.withMessageContaining("classLoader");
	}

	@Test
	void zeroThresholdCompressesEveryNonNullPayload() {
		EnvelopeCodec codec = EnvelopeCodec.builder().compression(Compression.GZIP).compressionThreshold(0).build();
		assertThat(codec.encode(entry(""), STRING)[3]).isEqualTo((byte) EnvelopeCodec.FLAG_GZIP);
	}

	private EnvelopeCodec codec(Compression compression) {
		return EnvelopeCodec.builder().serializer(this.serializer).compression(compression).build();
	}

	private EnvelopeCodec codec() {
		return codec(Compression.NONE);
	}

	private void assertCorrupt(byte[] bytes, String messagePart) {
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> codec().decode(bytes, STRING))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT))
			.withMessageContaining(messagePart);
	}

	private static void assertSameInstants(SwrEntry<?> actual, SwrEntry<?> expected) {
		assertThat(actual.writtenAt()).isEqualTo(expected.writtenAt());
		assertThat(actual.freshUntil()).isEqualTo(expected.freshUntil());
		assertThat(actual.staleUntil()).isEqualTo(expected.staleUntil());
		assertThat(actual.expiresAt()).isEqualTo(expected.expiresAt());
	}

	private static byte compressionFlag(Compression compression) {
		return switch (compression) {
			case NONE -> 0;
			case GZIP -> EnvelopeCodec.FLAG_GZIP;
			case ZSTD -> EnvelopeCodec.FLAG_ZSTD;
		};
	}

	/** ASCII text with some variety, so it compresses well but not to nothing. */
	static String compressibleString(int length) {
		String words = "stale while revalidate serves the old value while one refresh loads the new one; ";
		StringBuilder builder = new StringBuilder(length);
		int i = 0;
		while (builder.length() < length) {
			builder.append(words.charAt(i % words.length()));
			if (i % 97 == 0) {
				builder.append((char) ('a' + (i / 97) % 26));
			}
			i++;
		}
		builder.setLength(length);
		return builder.toString();
	}

}
