package dev.swr.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A fresh hit on the memory store allocates nothing: measured with the JVM's per-thread
 * allocation counter over many hits, which counts bytes, not time.
 */
class HotPathAllocationTest {

	private static final int HITS = 200_000;

	private final SwrEngine engine = SwrEngine.builder().clock(new ManualClock()).build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("hot")
		.policy(SwrPolicy.builder().fresh(Duration.ofHours(1)).build())
		.build();

	@AfterEach
	void close() {
		this.engine.close();
	}

	@Test
	void freshHitOnTheMemoryStoreAllocatesNothing() {
		SwrLoader<String, String> loader = (key) -> "value";
		this.cache.get("key", loader);
		assertNoAllocationPerHit(() -> this.cache.get("key", loader));
		assertThat(this.cache.stats().gets(SwrStatus.HIT)).isEqualTo(2L * HITS);
	}

	@Test
	void freshHitThroughGetTrackedWithAContextAllocatesNothing() {
		SwrContextLoader<String, StringBuilder, String> loader = (key, context) -> context.toString();
		StringBuilder context = new StringBuilder("value");
		this.cache.getTracked("key", context, loader, null);
		assertNoAllocationPerHit(() -> this.cache.getTracked("key", context, loader, null));
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
	}

	/** Runs {@code hit} HITS times to warm up, then HITS times counting this thread's allocated bytes. */
	private static void assertNoAllocationPerHit(Supplier<String> hit) {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
		threads.setThreadAllocatedMemoryEnabled(true);
		long tid = Thread.currentThread().getId();
		hits(hit);
		long before = threads.getThreadAllocatedBytes(tid);
		int sum = hits(hit);
		long allocated = threads.getThreadAllocatedBytes(tid) - before;
		assertThat(sum).isEqualTo(HITS * 5);
		// Zero per hit; the slack absorbs a TLAB refill or a JIT deoptimisation, far below one byte per hit.
		assertThat(allocated).as("bytes allocated by %d fresh hits", HITS).isLessThan(HITS / 10);
	}

	private static int hits(Supplier<String> hit) {
		int sum = 0;
		for (int i = 0; i < HITS; i++) {
			sum += hit.get().length();
		}
		return sum;
	}

}
