package dev.swr.benchmarks.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The soak's faults: a fixed sequence drawn from a seed, so a run can be repeated and a failure
 * reproduced. Each fault kind appears once per round in a shuffled order; faults never overlap, and
 * each is followed by a healthy gap, so what a fault does can be told apart from what the next one does.
 *
 * @param faults the faults in start order
 * @param duration the whole run, the healthy tail after the last fault included
 */
record FaultSchedule(List<Fault> faults, Duration duration) {

	/** What a fault does. */
	enum Kind {

		/** Redis is frozen (SIGSTOP) for the fault's duration, then resumed (SIGCONT): a stall. */
		REDIS_STOP("Redis stalled"),

		/** Redis is killed (SIGKILL) and restarted empty after the fault's duration. */
		REDIS_KILL("Redis killed"),

		/** Every upstream fetch fails for the fault's duration. */
		UPSTREAM_FAIL("upstream failing"),

		/** Every upstream fetch takes {@link Soak#SLOW_UPSTREAM}, past the miss-timeout, for the fault's duration. */
		UPSTREAM_SLOW("upstream slow"),

		/** Keys in Redis are overwritten with garbage, a gzip bomb and an oversized value (an instant). */
		POISON("keys poisoned");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		/** How the fault is named in the report and the picture. */
		String label() {
			return this.label;
		}

		/** Whether the fault is of Redis (the cache's store) rather than of the source. */
		boolean ofRedis() {
			return this == REDIS_STOP || this == REDIS_KILL;
		}

		/** Whether the fault is of the source. */
		boolean ofUpstream() {
			return this == UPSTREAM_FAIL || this == UPSTREAM_SLOW;
		}

	}

	/**
	 * One fault.
	 *
	 * @param kind what it does
	 * @param start when it starts, from the start of the load
	 * @param length how long it lasts ({@link Duration#ZERO} for a poisoning)
	 */
	record Fault(Kind kind, Duration start, Duration length) {

		Duration end() {
			return this.start.plus(this.length);
		}

	}

	/**
	 * Draws a schedule filling {@code duration}: a warm-up, then faults with healthy gaps between them,
	 * then a healthy tail. Lengths and gaps scale with the run, from a few seconds in a one-minute run to
	 * about half a minute in a fifteen-minute one.
	 * @param duration the whole run
	 * @param seed the seed; the same seed and duration give the same schedule
	 * @param graceAfterUpstream the least healthy time after a fault of the upstream (the grace the
	 * checks give its effects to end); other faults by at least {@link Soak#SETTLE}
	 */
	static FaultSchedule draw(Duration duration, long seed, Duration graceAfterUpstream) {
		Random random = new Random(seed);
		long total = duration.toMillis();
		long warmUp = Math.max(5_000, total / 15);
		long tail = Math.max(10_000, total / 20);
		long longest = Math.max(4_000, Math.min(30_000, total / 30));
		long shortest = Math.max(2_000, longest / 3);
		List<Fault> faults = new ArrayList<>();
		List<Kind> round = new ArrayList<>(List.of(Kind.values()));
		long at = warmUp;
		while (true) {
			Collections.shuffle(round, random);
			for (Kind kind : round) {
				long length = (kind == Kind.POISON) ? 0 : shortest + (long) (random.nextDouble() * (longest - shortest));
				long least = kind.ofUpstream() ? graceAfterUpstream.toMillis() : Soak.SETTLE.toMillis();
				long gap = least + (long) (random.nextDouble() * longest);
				if (at + length + gap > total - tail) {
					return new FaultSchedule(List.copyOf(faults), duration);
				}
				faults.add(new Fault(kind, Duration.ofMillis(at), Duration.ofMillis(length)));
				at += length + gap;
			}
		}
	}

}
