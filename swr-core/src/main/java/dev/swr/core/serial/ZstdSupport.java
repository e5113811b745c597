package dev.swr.core.serial;

import java.io.IOException;
import java.io.InputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;

/**
 * The only class that touches zstd-jni, so that the rest of the package loads without it. Only
 * called once {@link Compression#isAvailable()} said zstd can be used.
 */
final class ZstdSupport {

	// zstd's default level: a good ratio at a speed well above gzip's.
	private static final int LEVEL = 3;

	private ZstdSupport() {
	}

	static byte[] compress(byte[] data) {
		return Zstd.compress(data, LEVEL);
	}

	static InputStream decompressingStream(InputStream compressed) throws IOException {
		// Streaming, rather than Zstd.decompress with the frame's declared size, so a forged size
		// can neither allocate a huge buffer nor bypass the caller's bound.
		return new ZstdInputStream(compressed);
	}

}
