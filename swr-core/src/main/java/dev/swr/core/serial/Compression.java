package dev.swr.core.serial;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How an {@link EnvelopeCodec} compresses payloads at or above its threshold. Decompression is
 * always bounded by a maximum size, so a forged payload that inflates without end is a corrupt
 * entry rather than an {@link OutOfMemoryError}.
 */
public enum Compression {

	/** Payloads are stored as they are. */
	NONE,

	/** Payloads are compressed with the JDK's gzip. */
	GZIP,

	/**
	 * Payloads are compressed with zstd, which is faster than gzip at a similar ratio. Needs
	 * {@code com.github.luben:zstd-jni} on the classpath.
	 */
	ZSTD;

	private static final String ZSTD_CLASS = "com.github.luben.zstd.Zstd";

	/** Whether this compression can be used here; only {@link #ZSTD} depends on the classpath. */
	public boolean isAvailable() {
		return (this != ZSTD) || ZstdAvailability.AVAILABLE;
	}

	/**
	 * Checks that this compression can be used here.
	 * @throws IllegalArgumentException for {@link #ZSTD} without zstd-jni, saying what to add
	 */
	Compression requireAvailable() {
		if (!isAvailable()) {
			throw new IllegalArgumentException("'compression' ZSTD needs zstd-jni, which could not be loaded: add "
					+ "com.github.luben:zstd-jni to the classpath, or choose GZIP or NONE");
		}
		return this;
	}

	byte[] compress(byte[] data) {
		return switch (this) {
			case NONE -> data;
			case GZIP -> gzip(data);
			// Only reached when available, and ZstdSupport takes and returns byte[] only, so zstd
			// classes are linked here and nowhere else.
			case ZSTD -> ZstdSupport.compress(data);
		};
	}

	/**
	 * Decompresses {@code data[offset..offset+length)}.
	 * @throws SwrSerializationException CORRUPT if the data is not valid, TOO_LARGE if it inflates
	 * beyond {@code maxSize}
	 */
	byte[] decompress(byte[] data, int offset, int length, int maxSize) {
		if (this == NONE) {
			if (length > maxSize) {
				throw SwrSerializationException.tooLarge(
						"Payload of " + length + " bytes is larger than the max-value-size of " + maxSize + " bytes");
			}
			return Arrays.copyOfRange(data, offset, offset + length);
		}
		if (!isAvailable()) {
			throw SwrSerializationException.corrupt("Entry is zstd-compressed but zstd-jni is not on the classpath");
		}
		try {
			if (this == ZSTD) {
				byte[] whole = ZstdSupport.decompressDeclaredSize(data, offset, length, maxSize);
				if (whole != null) {
					return whole;
				}
			}
			InputStream in = (this == GZIP) ? new GZIPInputStream(new ByteArrayInputStream(data, offset, length))
					: ZstdSupport.decompressingStream(new ByteArrayInputStream(data, offset, length));
			try (in) {
				return readBounded(in, length, maxSize);
			}
		}
		catch (IOException | RuntimeException ex) {
			if (ex instanceof SwrSerializationException sex) {
				throw sex;
			}
			throw SwrSerializationException.corrupt("Cannot decompress " + name() + " payload: " + ex, ex);
		}
	}

	private static byte[] gzip(byte[] data) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
		try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
			gzip.write(data);
		}
		catch (IOException ex) {
			// A ByteArrayOutputStream does not fail; this would be a JDK bug.
			throw new IllegalStateException("gzip to memory failed", ex);
		}
		return out.toByteArray();
	}

	private static byte[] readBounded(InputStream in, int compressedLength, int maxSize) throws IOException {
		// Grow from a guess rather than allocating maxSize up front: most payloads are small.
		byte[] buffer = new byte[(int) Math.min(maxSize, Math.max(256L, compressedLength * 4L))];
		int size = 0;
		while (true) {
			if (size == buffer.length) {
				if (size == maxSize) {
					if (in.read() != -1) {
						throw SwrSerializationException.tooLarge(
								"Payload inflates beyond the max-value-size of " + maxSize + " bytes");
					}
					return buffer;
				}
				buffer = Arrays.copyOf(buffer, (int) Math.min(maxSize, buffer.length * 2L));
			}
			int read = in.read(buffer, size, buffer.length - size);
			if (read < 0) {
				return (size == buffer.length) ? buffer : Arrays.copyOf(buffer, size);
			}
			size += read;
		}
	}

	/** Checks once, without letting a linkage failure escape, whether zstd-jni and its native library load. */
	private static final class ZstdAvailability {

		static final boolean AVAILABLE = isZstdLoadable();

		private static boolean isZstdLoadable() {
			try {
				// Initializing the class loads the native library, so a jar without a native build
				// for this platform counts as absent rather than failing on first use.
				Class.forName(ZSTD_CLASS, true, Compression.class.getClassLoader());
				return true;
			}
			catch (ClassNotFoundException | LinkageError | SecurityException ex) {
				return false;
			}
		}

	}

}
