package dev.swr.core.serial;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrErrorHandler;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Foreign, random and truncated bytes under a cache's keys, read through the engine: each read is
 * a miss answered by the loader, counted as a corrupt store read, and the loaded value overwrites
 * the bad bytes. No exception reaches the caller.
 */
class CorruptEntriesThroughTheEngineTests {

	private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-11-25T10:00:00Z"));

	private final InMemoryByteStorage storage = new InMemoryByteStorage();

	private final List<SwrStoreException> reported = new ArrayList<>();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(CLOCK)
		.errorHandler(recording())
		.build();

	private final EnvelopeCodec codec = EnvelopeCodec.builder().compression(Compression.GZIP).compressionThreshold(16).build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
		.store(new SerializingStore<>("products", this.codec, TestEnvelopes.STRING, this.storage))
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	private SwrErrorHandler recording() {
		return (cacheName, key, error) -> this.reported.add(error);
	}

	@Test
	void tenThousandRandomPayloadsAreEachACountedMissOverwrittenByTheLoad() {
		Random random = new Random(20261125L);
		int corrupt = 10_000;
		for (int i = 0; i < corrupt; i++) {
			byte[] bytes = new byte[random.nextInt(201)];
			random.nextBytes(bytes);
			assertCorruptReadIsAMissThenAHit(bytes);
		}
		assertThat(this.cache.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.CORRUPT))
			.isEqualTo(corrupt);
		assertThat(this.loads).hasValue(corrupt);
		assertThat(this.reported).hasSize(corrupt)
			.allSatisfy((error) -> assertThat(error.reason()).isEqualTo(SwrStoreException.Reason.CORRUPT));
	}

	@Test
	void everyTruncationOfAValidEnvelopeIsACountedMiss() {
		SwrEntry<String> entry = new SwrEntry<>("a value long enough to be compressed", CLOCK.millis(),
				CLOCK.millis() + 1_000, CLOCK.millis() + 2_000, CLOCK.millis() + 3_000);
		byte[] valid = this.codec.encode(entry, TestEnvelopes.STRING);
		for (int length = 0; length < valid.length; length++) {
			assertCorruptReadIsAMissThenAHit(Arrays.copyOf(valid, length));
		}
		assertThat(this.cache.stats().storeErrors(SwrStoreException.Operation.GET, SwrStoreException.Reason.CORRUPT))
			.isEqualTo(valid.length);
	}

	private void assertCorruptReadIsAMissThenAHit(byte[] bytes) {
		this.storage.put("k", bytes, Long.MAX_VALUE);
		SwrResult<String> first = this.cache.getWithStatus("k", (key) -> "loaded-" + this.loads.incrementAndGet());
		assertThat(first.status()).isEqualTo(SwrStatus.MISS);
		assertThat(first.value()).isEqualTo("loaded-" + this.loads.get());
		SwrResult<String> second = this.cache.getWithStatus("k", (key) -> "never");
		assertThat(second).isEqualTo(new SwrResult<>(first.value(), SwrStatus.HIT));
	}

}
