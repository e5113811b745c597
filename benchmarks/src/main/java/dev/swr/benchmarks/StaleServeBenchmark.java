package dev.swr.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.swr.core.LoadOutcome;
import dev.swr.core.LoadTrigger;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrPolicy;
import dev.swr.core.SwrStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Scenario 3: what a caller waits for a STALE answer while the source takes 200 ms, against a
 * HIT, as latency distributions (p50, p99 from {@link Mode#SampleTime}).
 * <p>
 * The stale cache has a fresh window of 1 ms and no jitter, so its entry is stale a millisecond
 * after each write and nearly every read is STALE: the read serves the old value and, when no
 * refresh of the key is running, schedules one; that refresh calls a source that sleeps 200 ms.
 * So the measured reads run while a slow refresh is almost always in flight, as in production.
 * The teardown prints the share of reads that were STALE, so the figure's meaning is checked.
 * Target: a STALE answer within 2 times a HIT.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StaleServeBenchmark {

	private static final long SOURCE_MILLIS = 200;

	private final Long key = 42L;

	private final AtomicLong sourceCalls = new AtomicLong();

	private SwrEngine engine;

	private SwrCache<Long, Product> hits;

	private SwrCache<Long, Product> stale;

	private final SwrLoader<Long, Product> slowSource = (id) -> {
		this.sourceCalls.incrementAndGet();
		Thread.sleep(SOURCE_MILLIS);
		return Product.of(id);
	};

	@Setup
	public void setUp() throws InterruptedException {
		this.engine = SwrEngine.builder().build();
		this.hits = this.engine.<Long, Product>newCache("hits").build();
		SwrPolicy staleQuickly = SwrPolicy.builder()
			.fresh(Duration.ofMillis(1))
			.stale(Duration.ofHours(1))
			.expired(Duration.ofHours(1))
			.jitter(0)
			.build();
		this.stale = this.engine.<Long, Product>newCache("stale").policy(staleQuickly).build();
		this.hits.put(this.key, Product.of(this.key));
		this.stale.put(this.key, Product.of(this.key));
		Thread.sleep(5);
	}

	@TearDown
	public void tearDown(BenchmarkParams params) {
		if (params.getBenchmark().endsWith(".stale")) {
			long staleReads = this.stale.stats().gets(SwrStatus.STALE);
			long hitReads = this.stale.stats().gets(SwrStatus.HIT);
			long refreshes = this.stale.stats().loads(LoadTrigger.REFRESH, LoadOutcome.SUCCESS);
			System.out.printf("%nstale cache: %d STALE reads, %d HIT reads (%.3f%% STALE), %d refreshes of %d ms%n",
					staleReads, hitReads, 100.0 * staleReads / Math.max(1, staleReads + hitReads), refreshes,
					SOURCE_MILLIS);
			if (staleReads == 0 || staleReads < hitReads) {
				throw new IllegalStateException("The stale benchmark did not measure stale reads");
			}
		}
		else {
			BenchmarkSupport.requireHits(params, "hit", this.hits);
		}
		this.engine.close(Duration.ofMillis(500));
	}

	@Benchmark
	public Product hit() {
		return this.hits.get(this.key, this.slowSource);
	}

	@Benchmark
	public Product stale() {
		return this.stale.get(this.key, this.slowSource);
	}

}
