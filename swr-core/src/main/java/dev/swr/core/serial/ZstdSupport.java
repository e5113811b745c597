package dev.swr.core.serial;

import java.io.IOException;
import java.io.InputStream;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdInputStream;
import org.jspecify.annotations.Nullable;

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

	/**
	 * Decompresses a frame that declares its size (ours always do) in one call into an array of
	 * exactly that size, when the size is at most {@code maxSize}; a streaming decoder would first
	 * allocate its ~128 KB window buffers, which for a 1 KB value costs many times the work. A
	 * forged size cannot allocate more than {@code maxSize}, and output that does not match it is
	 * refused by zstd.
	 * @return the data, or {@code null} if the frame does not declare a usable size (then stream it)
	 * @throws IOException if the frame declares a size but is not valid
	 */
	static byte @Nullable [] decompressDeclaredSize(byte[] data, int offset, int length, int maxSize) throws IOException {
		long declared = Zstd.getFrameContentSize(data, offset, length);
		if (declared <= 0 || declared > maxSize) {
			return null;
		}
		byte[] out = new byte[(int) declared];
		// zstd-jni throws ZstdException for an invalid frame, including output larger than declared.
		long written = Zstd.decompressByteArray(out, 0, out.length, data, offset, length);
		if (written != declared) {
			throw new IOException("zstd frame declares " + declared + " bytes but holds " + written);
		}
		return out;
	}

	static InputStream decompressingStream(InputStream compressed) throws IOException {
		// Streaming, rather than Zstd.decompress with the frame's declared size, so a forged size
		// can neither allocate a huge buffer nor bypass the caller's bound.
		return new ZstdInputStream(compressed);
	}

}
