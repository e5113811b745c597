package dev.swr.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.core.LoadOutcome;
import dev.swr.core.LoadTrigger;
import dev.swr.core.ManualClock;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrStatus;

/**
 * Scenario 5: a stampede. {@value #CALLERS} threads released at once on one cold key, then on one
 * stale key, in front of a source that takes {@value #SOURCE_MILLIS} ms. Prints the calls that
 * reached the source (must be exactly 1 each: one load for the cold key, one refresh for the stale
 * one), the statuses callers got and their latency percentiles; exits with status 1 if a count is
 * wrong. A plain program rather than JMH: each round is one event, not a steady state.
 * <p>
 * Usage: {@code java -cp benchmarks.jar dev.swr.benchmarks.StampedeBenchmark [rounds]}
 */
public final class StampedeBenchmark {

	static final int CALLERS = 1000;

	static final long SOURCE_MILLIS = 50;

	private StampedeBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 3;
		boolean ok = true;
		System.out.printf("%d callers, source latency %d ms, %d rounds per case (the last is reported; earlier ones warm up)%n%n",
				CALLERS, SOURCE_MILLIS, rounds);
		System.out.println("| case | source calls | loads (trigger) | statuses | p50 | p99 | max |");
		System.out.println("|---|---:|---|---|---:|---:|---:|");
		for (String kind : new String[] { "cold", "stale" }) {
			Round last = null;
			for (int round = 0; round < rounds; round++) {
				last = run(kind);
				ok &= last.sourceCalls == 1 && last.loads == 1;
			}
			System.out.println(last.row());
		}
		if (!ok) {
			System.out.println("FAILED: a stampede reached the source more than once");
			System.exit(1);
		}
	}

	private static Round run(String kind) throws Exception {
		ManualClock clock = new ManualClock();
		AtomicInteger sourceCalls = new AtomicInteger();
		SwrLoader<Long, Product> source = (id) -> {
			sourceCalls.incrementAndGet();
			Thread.sleep(SOURCE_MILLIS);
			return Product.of(id);
		};
		try (SwrEngine engine = SwrEngine.builder().clock(clock).build()) {
			SwrCache<Long, Product> cache = engine.<Long, Product>newCache("stampede")
				.policy(SwrPolicy.builder().jitter(0).build())
				.build();
			Long key = 7L;
			if (kind.equals("stale")) {
				cache.put(key, Product.of(key));
				clock.advance(cache.policy().windows().fresh().plusSeconds(1));
			}
			long[] nanos = new long[CALLERS];
			SwrStatus[] statuses = new SwrStatus[CALLERS];
			CountDownLatch ready = new CountDownLatch(CALLERS);
			CountDownLatch go = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(CALLERS);
			for (int i = 0; i < CALLERS; i++) {
				int caller = i;
				Thread thread = new Thread(() -> {
					ready.countDown();
					try {
						go.await();
						long start = System.nanoTime();
						statuses[caller] = cache.getWithStatus(key, source).status();
						nanos[caller] = System.nanoTime() - start;
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					finally {
						done.countDown();
					}
				}, "caller-" + i);
				thread.setDaemon(true);
				thread.start();
			}
			ready.await();
			go.countDown();
			if (!done.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Callers did not finish within 30 s");
			}
			// The stale case's refresh runs in the background: wait until it has landed.
			LoadTrigger trigger = kind.equals("cold") ? LoadTrigger.MISS : LoadTrigger.REFRESH;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (cache.stats().loads(trigger, LoadOutcome.SUCCESS) == 0 && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			Thread.sleep(2 * SOURCE_MILLIS);
			long loads = 0;
			for (LoadTrigger t : LoadTrigger.values()) {
				for (LoadOutcome o : LoadOutcome.values()) {
					loads += cache.stats().loads(t, o);
				}
			}
			return new Round(kind, sourceCalls.get(), loads, trigger, statuses, nanos);
		}
	}

	private record Round(String kind, int sourceCalls, long loads, LoadTrigger trigger, SwrStatus[] statuses,
			long[] nanos) {

		String row() {
			long[] sorted = this.nanos.clone();
			Arrays.sort(sorted);
			StringBuilder counts = new StringBuilder();
			for (SwrStatus status : SwrStatus.values()) {
				long n = Arrays.stream(this.statuses).filter(status::equals).count();
				if (n > 0) {
					counts.append((counts.length() > 0) ? ", " : "").append(n).append(' ').append(status);
				}
			}
			return String.format("| %s key | %d | %d (%s) | %s | %s | %s | %s |", this.kind, this.sourceCalls, this.loads,
					this.trigger.tag(), counts, BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(sorted, 0.50)),
					BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(sorted, 0.99)),
					BenchmarkSupport.formatNanos(sorted[sorted.length - 1]));
		}

	}

}
