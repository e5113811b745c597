package dev.swr.core;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A fresh hit on the memory store allocates nothing: measured with the JVM's per-thread
 * allocation counter over many hits, which counts bytes, not time.
 */
class HotPathAllocationTest {

	private static final int HITS = 200_000;

	@Test
	void freshHitOnTheMemoryStoreAllocatesNothing() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
		threads.setThreadAllocatedMemoryEnabled(true);
		try (SwrEngine engine = SwrEngine.builder().clock(new ManualClock()).build()) {
			SwrCache<String, String> cache = engine.<String, String>newCache("hot")
				.policy(SwrPolicy.builder().fresh(Duration.ofHours(1)).build())
				.build();
			SwrLoader<String, String> loader = (key) -> "value";
			String key = "key";
			cache.get(key, loader);
			long tid = Thread.currentThread().getId();
			hit(cache, key, loader);
			long before = threads.getThreadAllocatedBytes(tid);
			int sum = hit(cache, key, loader);
			long allocated = threads.getThreadAllocatedBytes(tid) - before;
			assertThat(sum).isEqualTo(HITS * 5);
			// Zero per hit; the slack absorbs a TLAB refill or a JIT deoptimisation, far below one byte per hit.
			assertThat(allocated).as("bytes allocated by %d fresh hits", HITS).isLessThan(HITS / 10);
			assertThat(cache.stats().gets(SwrStatus.HIT)).isEqualTo(2L * HITS);
		}
	}

	@Test
	void freshHitThroughGetTrackedWithAContextAllocatesNothing() {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		assumeThat(threads.isThreadAllocatedMemorySupported()).isTrue();
		threads.setThreadAllocatedMemoryEnabled(true);
		try (SwrEngine engine = SwrEngine.builder().clock(new ManualClock()).build()) {
			SwrCache<String, String> cache = engine.<String, String>newCache("hot")
				.policy(SwrPolicy.builder().fresh(Duration.ofHours(1)).build())
				.build();
			SwrContextLoader<String, StringBuilder, String> loader = (key, context) -> context.toString();
			StringBuilder context = new StringBuilder("value");
			cache.getTracked("key", context, loader, null);
			long tid = Thread.currentThread().getId();
			hitTracked(cache, context, loader);
			long before = threads.getThreadAllocatedBytes(tid);
			int sum = hitTracked(cache, context, loader);
			long allocated = threads.getThreadAllocatedBytes(tid) - before;
			assertThat(sum).isEqualTo(HITS * 5);
			assertThat(allocated).as("bytes allocated by %d fresh hits", HITS).isLessThan(HITS / 10);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		}
	}

	private static int hitTracked(SwrCache<String, String> cache, StringBuilder context,
			SwrContextLoader<String, StringBuilder, String> loader) {
		int sum = 0;
		for (int i = 0; i < HITS; i++) {
			sum += cache.getTracked("key", context, loader, null).length();
		}
		return sum;
	}

	private static int hit(SwrCache<String, String> cache, String key, SwrLoader<String, String> loader) {
		int sum = 0;
		for (int i = 0; i < HITS; i++) {
			sum += cache.get(key, loader).length();
		}
		return sum;
	}

}
