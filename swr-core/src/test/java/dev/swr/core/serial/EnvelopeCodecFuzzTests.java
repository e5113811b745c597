package dev.swr.core.serial;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.serial.fixture.Product;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JavaType;

import static dev.swr.core.serial.TestEnvelopes.OBJECT;
import static dev.swr.core.serial.TestEnvelopes.STRING;
import static dev.swr.core.serial.TestEnvelopes.TYPES;
import static dev.swr.core.serial.TestEnvelopes.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decoding whatever a store returns must fail only with a {@link SwrSerializationException}. Bit
 * flips inside a JSON payload may well decode to another valid value; that is not checked.
 */
class EnvelopeCodecFuzzTests {

	private static final JavaType PRODUCT = TYPES.constructType(Product.class);

	private final EnvelopeCodec plain = codec(Compression.NONE);

	private final EnvelopeCodec gzip = codec(Compression.GZIP);

	private final EnvelopeCodec zstd = codec(Compression.ZSTD);

	private final Product product = new Product(7, "Grinder ☕", new BigDecimal("49.90"),
			Instant.parse("2026-02-03T04:05:06Z"));

	@Test
	void randomBytesOnlyEverFailAsSerializationErrors() {
		Random random = new Random(20260101L);
		for (int i = 0; i < 10_000; i++) {
			byte[] bytes = new byte[random.nextInt(201)];
			random.nextBytes(bytes);
			decodeOnlyFailsAsSerializationError(this.plain, bytes, STRING);
			decodeOnlyFailsAsSerializationError(this.plain, bytes, OBJECT);
		}
	}

	@Test
	void randomBytesBehindAValidHeaderOnlyEverFailAsSerializationErrors() {
		// Random bytes rarely get past the magic; a valid prefix sends them on to flags and payload.
		Random random = new Random(42L);
		byte[] header = this.plain.encode(entry("x"), STRING);
		for (int i = 0; i < 10_000; i++) {
			byte[] bytes = new byte[36 + random.nextInt(165)];
			random.nextBytes(bytes);
			System.arraycopy(header, 0, bytes, 0, 36);
			bytes[3] = (byte) random.nextInt(16);
			decodeOnlyFailsAsSerializationError(this.gzip, bytes, PRODUCT);
			decodeOnlyFailsAsSerializationError(this.gzip, bytes, OBJECT);
		}
	}

	@Test
	void everyTruncationOfAValidEnvelopeIsASerializationError() {
		for (byte[] valid : validEnvelopes()) {
			for (int length = 0; length < valid.length; length++) {
				byte[] truncated = Arrays.copyOf(valid, length);
				decodeOnlyFailsAsSerializationError(this.plain, truncated, PRODUCT);
				decodeOnlyFailsAsSerializationError(this.plain, truncated, OBJECT);
			}
		}
	}

	@Test
	void everySingleBitFlipOfAValidEnvelopeOnlyEverFailsAsASerializationError() {
		for (byte[] valid : validEnvelopes()) {
			for (int bit = 0; bit < valid.length * 8; bit++) {
				byte[] flipped = valid.clone();
				flipped[bit / 8] ^= (byte) (1 << (bit % 8));
				decodeOnlyFailsAsSerializationError(this.plain, flipped, PRODUCT);
				decodeOnlyFailsAsSerializationError(this.plain, flipped, OBJECT);
			}
		}
	}

	@Test
	void flippingAHeaderBitOutsideTheInstantsIsAlwaysCorrupt() {
		byte[] valid = this.plain.encode(entry(this.product), PRODUCT);
		for (int bit = 0; bit < 4 * 8; bit++) {
			byte[] flipped = valid.clone();
			flipped[bit / 8] ^= (byte) (1 << (bit % 8));
			// Flipping NULL_VALUE, GZIP or ZSTD on, or TYPE_NAME on, all leave bytes the codec never writes.
			SwrSerializationException ex = decodeOnlyFailsAsSerializationError(this.plain, flipped, PRODUCT);
			assertThat(ex).as("bit %d", bit).isNotNull();
			assertThat(ex.reason()).isEqualTo(Reason.CORRUPT);
		}
	}

	private List<byte[]> validEnvelopes() {
		return List.of(
				this.plain.encode(entry(this.product), PRODUCT),
				this.plain.encode(entry(this.product), OBJECT),
				this.gzip.encode(entry(this.product), OBJECT),
				this.zstd.encode(entry(this.product), PRODUCT),
				this.plain.encode(entry(null), PRODUCT),
				this.gzip.encode(entry(EnvelopeCodecTests.compressibleString(3000)), STRING),
				this.zstd.encode(entry(EnvelopeCodecTests.compressibleString(3000)), OBJECT));
	}

	private static EnvelopeCodec codec(Compression compression) {
		return EnvelopeCodec.builder()
			.compression(compression)
			.compressionThreshold(0)
			.allowList(TypeAllowList.of("dev.swr.core.serial.fixture"))
			.build();
	}

	/** Decodes, returning the serialization error if any; anything else thrown fails the test with the input. */
	private static SwrSerializationException decodeOnlyFailsAsSerializationError(EnvelopeCodec codec, byte[] bytes,
			JavaType type) {
		try {
			codec.decode(bytes, type);
			return null;
		}
		catch (SwrSerializationException ex) {
			assertThat(ex.reason()).isIn(Reason.CORRUPT, Reason.REFUSED_TYPE);
			return ex;
		}
		catch (RuntimeException | Error ex) {
			throw new AssertionError("Decoding " + HexFormat.of().formatHex(bytes) + " as " + type
					+ " threw " + ex, ex);
		}
	}

}
