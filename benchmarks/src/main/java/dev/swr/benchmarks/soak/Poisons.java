package dev.swr.benchmarks.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import dev.swr.core.SwrEntry;
import dev.swr.core.serial.Compression;
import dev.swr.core.serial.EnvelopeCodec;
import tools.jackson.databind.type.TypeFactory;

/**
 * What the soak writes over cached values in Redis, as a hostile or broken neighbour would: random
 * bytes, an envelope cut short, a valid gzip envelope that inflates past the instances'
 * {@code max-value-size} (a bomb), and a value larger than it (that Redis should not even send).
 */
final class Poisons {

	/** One poison. */
	record Poison(String name, byte[] bytes) {

	}

	/** What the bomb inflates to: four times the 64 MiB the decompression cap was before issue 12. */
	static final long BOMB_SIZE = 256L * 1024 * 1024;

	/** The envelope's fixed header, before the payload. */
	private static final int HEADER_LENGTH = 36;

	private Poisons() {
	}

	/**
	 * The four poisons, made once per run (the bomb takes a second or so to deflate).
	 * @param maxValueSize the instances' {@code swr.serializer.max-value-size}, in bytes
	 * @param random the run's random source
	 */
	static List<Poison> make(int maxValueSize, Random random) {
		byte[] garbage = new byte[256];
		random.nextBytes(garbage);
		long now = Instant.now().toEpochMilli();
		long later = now + 3_600_000;
		EnvelopeCodec gzip = EnvelopeCodec.builder().compression(Compression.GZIP).compressionThreshold(0).build();
		byte[] valid = gzip.encode(new SwrEntry<>("{\"id\":1}", now, later, later, later),
				TypeFactory.createDefaultInstance().constructType(String.class));
		byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
		byte[] bomb = bomb(valid);
		byte[] huge = new byte[maxValueSize + maxValueSize / 2];
		random.nextBytes(huge);
		return List.of(new Poison("garbage", garbage), new Poison("truncated", truncated), new Poison("bomb", bomb),
				new Poison("huge", huge));
	}

	/**
	 * A gzip envelope whose payload inflates to {@value #BOMB_SIZE} bytes of zeros: the header of a valid
	 * gzip envelope ({@link #HEADER_LENGTH} bytes, as {@code EnvelopeCodec} documents it), then a gzip
	 * stream of its own, about 250 KB.
	 */
	private static byte[] bomb(byte[] validGzipEnvelope) {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		bytes.write(validGzipEnvelope, 0, HEADER_LENGTH);
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes, 64 * 1024)) {
			byte[] zeros = new byte[1024 * 1024];
			for (long written = 0; written < BOMB_SIZE; written += zeros.length) {
				gzip.write(zeros);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return bytes.toByteArray();
	}

}
