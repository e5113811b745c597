package dev.swr.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrTagger;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Scenario 9 (issue 15): what tags cost a fresh hit. A hit of an entry written with one tag and with
 * three, against a hit of an untagged entry in the same run, on the engine API (memory store, as
 * {@link FreshHitBenchmark}) and through a Spring proxy ({@code @StaleWhileRevalidate(key = "#id")}
 * with and without {@code tags}, as {@link ProxyHitBenchmark}). A read of a tagged entry looks each
 * of its tags up among the cache's eviction marks, so two more cases: marks present for an unrelated
 * tag of the same cache (the lookups miss), and marks present for the entry's own tags, recorded
 * before it was written (the lookups find a mark and compare it; the entry stands).
 * Target: an untagged hit unchanged (scenarios 1 and 2); a tagged one allocating nothing on the
 * engine API.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class TaggedHitBenchmark {

	/** What each entry is tagged with: the product, then its own tags as well (three in all). */
	static final SwrTagger<Product> ONE_TAG = (product) -> List.of("product:" + product.id());

	static final SwrTagger<Product> THREE_TAGS = (product) -> {
		List<String> tags = new ArrayList<>(List.of("product:" + product.id()));
		tags.addAll(product.tags());
		return tags;
	};

	private static final SwrLoader<Long, Product> LOADER = Product::of;

	@Benchmark
	public Product engineUntagged(Engine engine) {
		return engine.untagged.get(engine.key, LOADER);
	}

	@Benchmark
	public Product engineOneTag(Engine engine) {
		return engine.oneTag.get(engine.key, LOADER);
	}

	@Benchmark
	public Product engineThreeTags(Engine engine) {
		return engine.threeTags.get(engine.key, LOADER);
	}

	@Benchmark
	public Product engineThreeTagsUnrelatedMark(Engine engine) {
		return engine.unrelatedMark.get(engine.key, LOADER);
	}

	@Benchmark
	public Product engineThreeTagsOwnMarksOlder(Engine engine) {
		return engine.ownMarksOlder.get(engine.key, LOADER);
	}

	@Benchmark
	public Product proxyUntagged(Beans beans) {
		return beans.untagged.byIdKey(beans.id);
	}

	@Benchmark
	public Product proxyOneTag(Beans beans) {
		return beans.tagged.oneTag(beans.id);
	}

	@Benchmark
	public Product proxyThreeTags(Beans beans) {
		return beans.tagged.threeTags(beans.id);
	}

	@Benchmark
	public Product proxyThreeTagsUnrelatedMark(Beans beans) {
		return beans.tagged.threeTagsUnrelatedMark(beans.id);
	}

	/** One engine with a cache per case, each holding one fresh entry of {@link #key}. */
	@State(Scope.Benchmark)
	public static class Engine {

		// Boxed once: every variant looks up the same key object, none pays for boxing.
		final Long key = 42L;

		SwrEngine engine;

		SwrCache<Long, Product> untagged;

		SwrCache<Long, Product> oneTag;

		SwrCache<Long, Product> threeTags;

		SwrCache<Long, Product> unrelatedMark;

		SwrCache<Long, Product> ownMarksOlder;

		@Setup
		public void setUp() throws InterruptedException {
			this.engine = SwrEngine.builder().build();
			this.untagged = this.engine.<Long, Product>newCache("untagged").build();
			this.oneTag = this.engine.<Long, Product>newCache("oneTag").build();
			this.threeTags = this.engine.<Long, Product>newCache("threeTags").build();
			this.unrelatedMark = this.engine.<Long, Product>newCache("unrelatedMark").build();
			this.ownMarksOlder = this.engine.<Long, Product>newCache("ownMarksOlder").build();

			this.unrelatedMark.evictByTag("product:7", false);
			for (String tag : THREE_TAGS.tagsOf(Product.of(this.key))) {
				this.ownMarksOlder.evictByTag(tag, false);
			}
			// Marks cover entries written in their millisecond: write a few clock ticks later.
			Thread.sleep(10);

			this.untagged.getWithStatus(this.key, LOADER);
			this.oneTag.getWithStatus(this.key, LOADER, null, ONE_TAG);
			this.threeTags.getWithStatus(this.key, LOADER, null, THREE_TAGS);
			this.unrelatedMark.getWithStatus(this.key, LOADER, null, THREE_TAGS);
			this.ownMarksOlder.getWithStatus(this.key, LOADER, null, THREE_TAGS);
			requireTags(this.oneTag, 1);
			requireTags(this.threeTags, 3);
			requireTags(this.unrelatedMark, 3);
			requireTags(this.ownMarksOlder, 3);
		}

		private void requireTags(SwrCache<Long, Product> cache, int count) {
			var entry = cache.getEntry(this.key);
			if (entry == null || entry.tags().size() != count) {
				throw new IllegalStateException(cache + ": expected an entry with " + count + " tags, found " + entry);
			}
		}

		@TearDown
		public void tearDown(BenchmarkParams params) {
			BenchmarkSupport.requireHits(params, "engineUntagged", this.untagged);
			BenchmarkSupport.requireHits(params, "engineOneTag", this.oneTag);
			BenchmarkSupport.requireHits(params, "engineThreeTags", this.threeTags);
			BenchmarkSupport.requireHits(params, "engineThreeTagsUnrelatedMark", this.unrelatedMark);
			BenchmarkSupport.requireHits(params, "engineThreeTagsOwnMarksOlder", this.ownMarksOlder);
			this.engine.close();
		}

	}

	/** One context for the proxied cases: scenario 2's untagged bean, and the tagged one. */
	@State(Scope.Benchmark)
	public static class Beans {

		// Small enough for Long.valueOf's cache: boxing it in the proxy allocates nothing.
		final long id = 42;

		ConfigurableApplicationContext context;

		ProxyHitBenchmark.SwrProducts untagged;

		TaggedProducts tagged;

		@Setup
		public void start() throws InterruptedException {
			this.context = SpringContexts.start(TaggedConfiguration.class);
			this.untagged = this.context.getBean(ProxyHitBenchmark.SwrProducts.class);
			this.tagged = this.context.getBean(TaggedProducts.class);
			for (Object bean : new Object[] { this.untagged, this.tagged }) {
				if (!AopUtils.isAopProxy(bean)) {
					throw new IllegalStateException(bean.getClass() + " is not proxied: the benchmark would measure nothing");
				}
			}
			SwrCacheManager caches = this.context.getBean(SwrCacheManager.class);
			caches.getSwrCache("proxyThreeTagsUnrelatedMark").evictByTag("product:7", false);
			Thread.sleep(10);
			// The first call of each loads; every measured call is a fresh hit.
			this.untagged.byIdKey(this.id);
			this.tagged.oneTag(this.id);
			this.tagged.threeTags(this.id);
			this.tagged.threeTagsUnrelatedMark(this.id);
			requireTags(caches, "proxyOneTag", 1);
			requireTags(caches, "proxyThreeTags", 3);
			requireTags(caches, "proxyThreeTagsUnrelatedMark", 3);
		}

		private void requireTags(SwrCacheManager caches, String cache, int count) {
			var entry = caches.getSwrCache(cache).getEntry(this.id);
			if (entry == null || entry.tags().size() != count) {
				throw new IllegalStateException(cache + ": expected an entry with " + count + " tags, found " + entry);
			}
		}

		@TearDown
		public void stop(BenchmarkParams params) {
			SwrCacheManager caches = this.context.getBean(SwrCacheManager.class);
			BenchmarkSupport.requireHits(params, "proxyUntagged", caches.getSwrCache("swrIdKey"));
			BenchmarkSupport.requireHits(params, "proxyOneTag", caches.getSwrCache("proxyOneTag"));
			BenchmarkSupport.requireHits(params, "proxyThreeTags", caches.getSwrCache("proxyThreeTags"));
			BenchmarkSupport.requireHits(params, "proxyThreeTagsUnrelatedMark",
					caches.getSwrCache("proxyThreeTagsUnrelatedMark"));
			int loads = this.untagged.loads() + this.tagged.loads();
			if (loads != 4) {
				throw new IllegalStateException("Expected one load per cached method, saw " + loads);
			}
			this.context.close();
		}

	}

	/** Our auto-configuration and the two beans; no {@code @Cacheable} peer here (scenario 2 has it). */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(SwrAutoConfiguration.class)
	static class TaggedConfiguration {

		@Bean
		ProxyHitBenchmark.SwrProducts swrProducts() {
			return new ProxyHitBenchmark.SwrProducts();
		}

		@Bean
		TaggedProducts taggedProducts() {
			return new TaggedProducts();
		}

	}

	/** {@code @StaleWhileRevalidate(key = "#id")} with the tags of {@link #ONE_TAG} and {@link #THREE_TAGS}. */
	public static class TaggedProducts {

		private final AtomicInteger loads = new AtomicInteger();

		/** Calls that reached a method body, that is loads. */
		public int loads() {
			return this.loads.get();
		}

		@StaleWhileRevalidate(cache = "proxyOneTag", key = "#id", tags = "'product:' + #id")
		public Product oneTag(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		@StaleWhileRevalidate(cache = "proxyThreeTags", key = "#id", tags = { "'product:' + #id", "#result.tags" })
		public Product threeTags(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		@StaleWhileRevalidate(cache = "proxyThreeTagsUnrelatedMark", key = "#id",
				tags = { "'product:' + #id", "#result.tags" })
		public Product threeTagsUnrelatedMark(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

	}

}
