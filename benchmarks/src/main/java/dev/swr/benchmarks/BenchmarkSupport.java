package dev.swr.benchmarks;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrStatus;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Checks shared by the benchmarks, so a run that measured the wrong path says so, and the latency
 * arithmetic of the plain programs.
 */
final class BenchmarkSupport {

	private BenchmarkSupport() {
	}

	/**
	 * When the trial ran the benchmark method {@code method}, fails it unless {@code cache} answered
	 * reads as {@code HIT} and at most one needed a load: the benchmark measured hits, not misses.
	 */
	static void requireHits(BenchmarkParams params, String method, SwrCache<?, ?> cache) {
		if (!params.getBenchmark().endsWith("." + method)) {
			return;
		}
		String label = params.getBenchmark();
		long minimum = 1;
		long hits = cache.stats().gets(SwrStatus.HIT);
		long misses = cache.stats().gets(SwrStatus.MISS);
		if (hits < minimum || misses > 1) {
			throw new IllegalStateException(label + ": expected fresh hits only, but saw " + hits + " hits and "
					+ misses + " misses (" + cache.stats() + ")");
		}
	}

	/** The {@code p} quantile (0 to 1) of {@code sorted}, nearest rank: a value that was measured. */
	static long percentile(long[] sorted, double p) {
		return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(p * sorted.length) - 1))];
	}

	/** A latency for a table: milliseconds from one millisecond up, microseconds below. */
	static String formatNanos(long nanos) {
		return (nanos >= 1_000_000) ? String.format("%.1f ms", nanos / 1e6) : String.format("%.1f µs", nanos / 1e3);
	}

}
