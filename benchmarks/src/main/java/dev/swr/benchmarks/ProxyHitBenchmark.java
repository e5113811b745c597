package dev.swr.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;
import io.micrometer.observation.ObservationRegistry;
import org.aopalliance.intercept.MethodInterceptor;
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
import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.RootClassFilter;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.caffeine.CaffeineCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;

/**
 * Scenario 2: a fresh hit through a Spring proxy. {@code @StaleWhileRevalidate} with the default
 * key and with {@code key = "#id"} against the matching {@code @Cacheable} on a
 * {@link CaffeineCacheManager} ({@code sync = true} with the default key; {@code key = "#id"}), and
 * against the proxy alone: the same kind of CGLIB proxy with one advisor that only proceeds.
 * One thread here, two in {@link ProxyHitTwoThreadsBenchmark}.
 * Target: at most 0.5 times the matching {@code @Cacheable}; aim 0.15 with {@code #id}; at most 100 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
public class ProxyHitBenchmark {

	@Benchmark
	public Product swrDefaultKey(Beans beans) {
		return beans.swr.byDefaultKey(beans.id);
	}

	@Benchmark
	public Product swrIdKey(Beans beans) {
		return beans.swr.byIdKey(beans.id);
	}

	/**
	 * {@link #swrIdKey} in an application with an Observation registry that observes (issue 16): a
	 * load would be an Observation {@code swr.load}; a hit must cost what it did.
	 */
	@Benchmark
	public Product swrIdKeyObserved(ObservedBeans beans) {
		return beans.swr.byIdKey(beans.id);
	}

	@Benchmark
	public Product cacheableSync(Beans beans) {
		return beans.cacheable.sync(beans.id);
	}

	@Benchmark
	public Product cacheableIdKey(Beans beans) {
		return beans.cacheable.byIdKey(beans.id);
	}

	@Benchmark
	public Product proxyAlone(Beans beans) {
		return beans.plain.find(beans.id);
	}

	/** One context for all threads of a trial, started before and closed after it. */
	@State(Scope.Benchmark)
	public static class Beans {

		// Small enough for Long.valueOf's cache: boxing it in the proxy allocates nothing.
		final long id = 42;

		ConfigurableApplicationContext context;

		SwrProducts swr;

		CacheableProducts cacheable;

		PlainProducts plain;

		@Setup
		public void start() {
			this.context = SpringContexts.start(ProxyConfiguration.class);
			this.swr = this.context.getBean(SwrProducts.class);
			this.cacheable = this.context.getBean(CacheableProducts.class);
			this.plain = this.context.getBean(PlainProducts.class);
			for (Object bean : new Object[] { this.swr, this.cacheable, this.plain }) {
				if (!AopUtils.isAopProxy(bean)) {
					throw new IllegalStateException(bean.getClass() + " is not proxied: the benchmark would measure nothing");
				}
			}
			// The first call of each loads; every measured call is a fresh hit.
			this.swr.byDefaultKey(this.id);
			this.swr.byIdKey(this.id);
			this.cacheable.sync(this.id);
			this.cacheable.byIdKey(this.id);
		}

		@TearDown
		public void stop(BenchmarkParams params) {
			SwrCacheManager swrCaches = this.context.getBean("swrCacheManager", SwrCacheManager.class);
			BenchmarkSupport.requireHits(params, "swrDefaultKey", swrCaches.getSwrCache("swrDefaultKey"));
			BenchmarkSupport.requireHits(params, "swrIdKey", swrCaches.getSwrCache("swrIdKey"));
			int loads = this.swr.loads() + this.cacheable.loads();
			if (loads != 4) {
				throw new IllegalStateException("Expected one load per cached method, saw " + loads);
			}
			this.context.close();
		}

	}

	/** The scenario's beans in an application whose Observation registry has a handler. */
	@State(Scope.Benchmark)
	public static class ObservedBeans {

		final long id = 42;

		ConfigurableApplicationContext context;

		SwrProducts swr;

		@Setup
		public void start() {
			this.context = SpringContexts.start(ObservedProxyConfiguration.class);
			if (this.context.getBean(ObservationRegistry.class).isNoop()) {
				throw new IllegalStateException("The registry observes nothing: the benchmark would measure nothing new");
			}
			this.swr = this.context.getBean(SwrProducts.class);
			this.swr.byIdKey(this.id);
		}

		@TearDown
		public void stop(BenchmarkParams params) {
			SwrCacheManager swrCaches = this.context.getBean("swrCacheManager", SwrCacheManager.class);
			BenchmarkSupport.requireHits(params, "swrIdKey", swrCaches.getSwrCache("swrIdKey"));
			this.context.close();
		}

	}

	/** {@link ProxyConfiguration} and an Observation registry with a handler, as tracing or metrics give one. */
	@Configuration(proxyBeanMethods = false)
	@Import(ProxyConfiguration.class)
	static class ObservedProxyConfiguration {

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler((context) -> true);
			return registry;
		}

	}

	/** The beans of scenario 2, and a Caffeine cache manager for {@code @Cacheable} as Boot would make it. */
	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	@ImportAutoConfiguration(SwrAutoConfiguration.class)
	static class ProxyConfiguration {

		@Bean
		CaffeineCacheManager cacheManager() {
			return SpringContexts.caffeineCacheManager();
		}

		@Bean
		SwrProducts swrProducts() {
			return new SwrProducts();
		}

		@Bean
		CacheableProducts cacheableProducts() {
			return new CacheableProducts();
		}

		@Bean
		PlainProducts plainProducts() {
			return new PlainProducts();
		}

		/**
		 * The proxy alone: an infrastructure advisor, so the auto-proxy creator that serves the
		 * cache annotations proxies this bean the same way, with an interceptor that only proceeds.
		 */
		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static Advisor passThroughAdvisor() {
			MethodInterceptor proceed = (invocation) -> invocation.proceed();
			return new DefaultPointcutAdvisor(new ComposablePointcut(new RootClassFilter(PlainProducts.class)), proceed);
		}

	}

	/** {@code @StaleWhileRevalidate} with the default key and with {@code #id}. */
	public static class SwrProducts {

		private final AtomicInteger loads = new AtomicInteger();

		/** Calls that reached the method body, that is loads. */
		public int loads() {
			return this.loads.get();
		}

		@StaleWhileRevalidate(cache = "swrDefaultKey")
		public Product byDefaultKey(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		@StaleWhileRevalidate(cache = "swrIdKey", key = "#id")
		public Product byIdKey(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

	}

	/** The {@code @Cacheable} variants the figures were taken with. */
	public static class CacheableProducts {

		private final AtomicInteger loads = new AtomicInteger();

		/** Calls that reached the method body, that is loads. */
		public int loads() {
			return this.loads.get();
		}

		@Cacheable(cacheNames = "cacheableSync", sync = true)
		public Product sync(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

		@Cacheable(cacheNames = "cacheableIdKey", key = "#id")
		public Product byIdKey(long id) {
			this.loads.incrementAndGet();
			return Product.of(id);
		}

	}

	/** Proxied by a pass-through advisor only. */
	public static class PlainProducts {

		// Built once, so the figure is the proxy's cost and not the value's.
		private final Product product = Product.of(42);

		public Product find(long id) {
			return this.product;
		}

	}

}
