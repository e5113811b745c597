package dev.swr.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Scenario 9 (issue 15): a page of {@value #BATCH} ids read at once, {@value #MISSES} of them not
 * cached. {@code @StaleWhileRevalidate(batch = true)} on {@code findAll(List<Long>)} loads the misses
 * with one call of the method, with only those ids; the peer is what users write without it, a loop
 * over a {@code @Cacheable find(id)} on a {@link CaffeineCacheManager}, which loads each miss with a
 * call of its own. Both read a source that costs {@value #SOURCE_MILLIS} ms per CALL whatever the
 * number of ids (a round trip to a database or a service) and counts its calls.
 * <p>
 * Before each invocation of a miss case, {@value #MISSES} ids are evicted from both caches, the
 * next ten of the page each time (ids 0–9, then 10–19, ...), so every invocation has exactly
 * {@value #MISSES} misses, and a window of them that rotates. The hit cases read the same page, all
 * fresh, with no per-invocation setup. The counters {@code sourceCalls} and {@code batches} (JMH
 * auxiliary counters, totals per iteration) give the source calls per batch; the teardown checks it:
 * 1 for us, {@value #MISSES} for the loop, 0 on hits, and fails the trial otherwise. One more
 * case is the floor of a batch with misses: the source's call of {@value #MISSES} ids alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class BatchLoadBenchmark {

	static final int BATCH = 100;

	static final int MISSES = 10;

	static final long SOURCE_MILLIS = 1;

	@Benchmark
	public Map<Long, Product> swrBatchTenMisses(Beans beans, RotatingMisses misses, SourceCalls calls) {
		long before = beans.source.calls();
		Map<Long, Product> page = beans.swr.findAll(beans.ids);
		calls.count(beans.source.calls() - before);
		return page;
	}

	@Benchmark
	public Map<Long, Product> cacheableLoopTenMisses(Beans beans, RotatingMisses misses, SourceCalls calls) {
		long before = beans.source.calls();
		Map<Long, Product> page = findEach(beans);
		calls.count(beans.source.calls() - before);
		return page;
	}

	@Benchmark
	public Map<Long, Product> swrBatchAllHits(Beans beans, SourceCalls calls) {
		long before = beans.source.calls();
		Map<Long, Product> page = beans.swr.findAll(beans.ids);
		calls.count(beans.source.calls() - before);
		return page;
	}

	@Benchmark
	public Map<Long, Product> cacheableLoopAllHits(Beans beans, SourceCalls calls) {
		long before = beans.source.calls();
		Map<Long, Product> page = findEach(beans);
		calls.count(beans.source.calls() - before);
		return page;
	}

	/**
	 * The floor of a batch with misses: one call of the source with {@value #MISSES} ids, on this
	 * thread, no cache.
	 */
	@Benchmark
	public Map<Long, Product> sourceOneCall(Beans beans, SourceCalls calls) {
		long before = beans.source.calls();
		Map<Long, Product> loaded = beans.source.load(beans.ids.subList(0, MISSES));
		calls.count(beans.source.calls() - before);
		return loaded;
	}

	/** The same answer as the batch method's: each id with its value, in the page's order. */
	private static Map<Long, Product> findEach(Beans beans) {
		Map<Long, Product> page = new LinkedHashMap<>();
		for (Long id : beans.ids) {
			page.put(id, beans.cacheable.find(id));
		}
		return page;
	}

	/** One context for the trial; every id of the page loaded once before the first measurement. */
	@State(Scope.Benchmark)
	public static class Beans {

		final List<Long> ids = new ArrayList<>();

		ConfigurableApplicationContext context;

		CountingSource source;

		SwrBatchProducts swr;

		CacheableProducts cacheable;

		Cache cacheableCache;

		SwrCacheManager swrCaches;

		/** Source calls and batches over the whole trial, warm-up included, for the teardown's check. */
		final AtomicLong trialCalls = new AtomicLong();

		final AtomicLong trialBatches = new AtomicLong();

		@Setup
		public void start() {
			for (long id = 0; id < BATCH; id++) {
				this.ids.add(id);
			}
			this.context = SpringContexts.start(BatchConfiguration.class);
			this.source = this.context.getBean(CountingSource.class);
			this.swr = this.context.getBean(SwrBatchProducts.class);
			this.cacheable = this.context.getBean(CacheableProducts.class);
			for (Object bean : new Object[] { this.swr, this.cacheable }) {
				if (!AopUtils.isAopProxy(bean)) {
					throw new IllegalStateException(bean.getClass() + " is not proxied: the benchmark would measure nothing");
				}
			}
			this.swrCaches = this.context.getBean(SwrCacheManager.class);
			this.cacheableCache = this.context.getBean(CaffeineCacheManager.class).getCache("cacheableProducts");
			long before = this.source.calls();
			this.swr.findAll(this.ids);
			findEach(this);
			long loads = this.source.calls() - before;
			if (loads != 1 + BATCH) {
				throw new IllegalStateException("Filling the caches took " + loads + " source calls, expected " + (1 + BATCH));
			}
		}

		@TearDown
		public void stop(BenchmarkParams params) {
			String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
			long batches = this.trialBatches.get();
			long calls = this.trialCalls.get();
			long expected = method.endsWith("AllHits") ? 0 : method.startsWith("cacheable") ? MISSES : 1;
			System.out.printf("%n%s: %d source calls in %d batches (%.3f a batch, expected %d), %d ids asked of the source%n",
					method, calls, batches, (double) calls / Math.max(1, batches), expected, this.source.ids());
			this.context.close();
			if (batches == 0 || calls != expected * batches) {
				throw new IllegalStateException(method + ": expected " + expected + " source calls a batch, saw " + calls
						+ " in " + batches + " batches");
			}
		}

	}

	/**
	 * Evicts the next {@value #MISSES} ids of the page from both caches before each invocation, so
	 * each one has exactly that many misses; outside the measured time.
	 */
	@State(Scope.Thread)
	public static class RotatingMisses {

		private int next;

		@Setup(Level.Invocation)
		public void evictNext(Beans beans) {
			for (int i = 0; i < MISSES; i++) {
				Long id = beans.ids.get(this.next);
				beans.swrCaches.getSwrCache("swrBatchProducts").evict(id);
				beans.cacheableCache.evict(id);
				this.next = (this.next + 1) % BATCH;
			}
		}

	}

	/** Source calls and batches of each iteration, reported by JMH beside the time. */
	@State(Scope.Thread)
	@AuxCounters(AuxCounters.Type.EVENTS)
	public static class SourceCalls {

		/** Calls that reached the source during the iteration. */
		public long sourceCalls;

		/** Batches read during the iteration. */
		public long batches;

		private Beans beans;

		@Setup(Level.Iteration)
		public void reset(Beans beans) {
			this.beans = beans;
			this.sourceCalls = 0;
			this.batches = 0;
		}

		void count(long calls) {
			this.sourceCalls += calls;
			this.batches++;
			this.beans.trialCalls.addAndGet(calls);
			this.beans.trialBatches.incrementAndGet();
		}

	}

	/** Our auto-configuration, Spring's caching on Caffeine as Boot would make it, the source and both beans. */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration(SwrAutoConfiguration.class)
	static class BatchConfiguration {

		@Bean
		CaffeineCacheManager cacheManager() {
			return SpringContexts.caffeineCacheManager();
		}

		@Bean
		CountingSource countingSource() {
			return new CountingSource();
		}

		@Bean
		SwrBatchProducts swrBatchProducts(CountingSource source) {
			return new SwrBatchProducts(source);
		}

		@Bean
		CacheableProducts cacheableBatchProducts(CountingSource source) {
			return new CacheableProducts(source);
		}

	}

	/**
	 * The products' source: each call costs {@value #SOURCE_MILLIS} ms, whatever the number of ids,
	 * and is counted.
	 */
	public static class CountingSource {

		private final AtomicLong calls = new AtomicLong();

		private final AtomicLong ids = new AtomicLong();

		/** Calls so far. */
		public long calls() {
			return this.calls.get();
		}

		/** Ids asked for so far, over all calls. */
		public long ids() {
			return this.ids.get();
		}

		/** The products of {@code ids}, in one call. */
		public Map<Long, Product> load(Collection<Long> ids) {
			this.calls.incrementAndGet();
			this.ids.addAndGet(ids.size());
			try {
				Thread.sleep(SOURCE_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while loading " + ids, ex);
			}
			Map<Long, Product> products = new LinkedHashMap<>();
			for (Long id : ids) {
				products.put(id, Product.of(id));
			}
			return products;
		}

	}

	/** {@code @StaleWhileRevalidate(batch = true)}: the misses of a call loaded by one call of the method. */
	public static class SwrBatchProducts {

		private final CountingSource source;

		public SwrBatchProducts(CountingSource source) {
			this.source = source;
		}

		@StaleWhileRevalidate(cache = "swrBatchProducts", batch = true)
		public Map<Long, Product> findAll(List<Long> ids) {
			return this.source.load(ids);
		}

	}

	/** {@code @Cacheable} per id, the default key (the id itself): the cheapest key Spring has. */
	public static class CacheableProducts {

		private final CountingSource source;

		public CacheableProducts(CountingSource source) {
			this.source = source;
		}

		@Cacheable("cacheableProducts")
		public Product find(Long id) {
			return this.source.load(List.of(id)).get(id);
		}

	}

}
