package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.spring.annotation.StaleWhileRevalidate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Interface and class methods, on JDK and CGLIB proxies; many callers of one cold key through the
 * proxy; self-invocation, which (as with {@code @Cacheable}) is not intercepted.
 */
class ProxyKindsTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, SwrAutoConfiguration.class));

	@Test
	void annotationOnAnInterfaceMethodWorksThroughAJdkProxy() {
		this.runner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withBean(Prices.class, CountingPrices::new)
			.run((context) -> {
				Prices prices = context.getBean(Prices.class);
				assertThat(AopUtils.isJdkDynamicProxy(prices)).isTrue();
				assertThat(prices.price(7)).isEqualTo(prices.price(7));
				assertThat(((CountingPrices) org.springframework.test.util.AopTestUtils.getTargetObject(prices)).loads).hasValue(1);
			});
	}

	@Test
	void annotationOnAnInterfaceMethodWorksThroughACglibProxy() {
		this.runner.withBean(CountingPrices.class, CountingPrices::new).run((context) -> {
			CountingPrices prices = context.getBean(CountingPrices.class);
			assertThat(AopUtils.isCglibProxy(prices)).isTrue();
			assertThat(prices.price(7)).isEqualTo(prices.price(7));
			assertThat(((CountingPrices) org.springframework.test.util.AopTestUtils.getTargetObject(prices)).loads).hasValue(1);
		});
	}

	@Test
	void selfInvocationIsNotIntercepted() {
		this.runner.withBean(CountingPrices.class, CountingPrices::new).run((context) -> {
			CountingPrices prices = context.getBean(CountingPrices.class);
			prices.priceViaSelf(1);
			prices.priceViaSelf(1);
			assertThat(((CountingPrices) org.springframework.test.util.AopTestUtils.getTargetObject(prices)).loads).hasValue(2);
		});
	}

	@Test
	void manyCallersOfOneColdKeyThroughTheProxyCauseOneLoad() {
		this.runner.withBean(SlowCatalog.class, SlowCatalog::new).run((context) -> {
			SlowCatalog catalog = context.getBean(SlowCatalog.class);
			SlowCatalog target = (SlowCatalog) org.springframework.test.util.AopTestUtils.getTargetObject(catalog);
			int callers = 32;
			AtomicInteger names = new AtomicInteger();
			ExecutorService pool = Executors.newFixedThreadPool(callers,
					(runnable) -> new Thread(runnable, "cold-key-caller-" + names.incrementAndGet()));
			try {
				List<Future<String>> results = new ArrayList<>();
				for (int i = 0; i < callers; i++) {
					results.add(pool.submit(() -> catalog.find(1)));
				}
				// Release the one load only once every other caller is waiting on it.
				await().atMost(Duration.ofSeconds(5)).until(() -> target.loads.get() == 1 && waitingCallers() == callers);
				target.release.countDown();
				for (Future<String> result : results) {
					assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("product-1");
				}
				assertThat(target.loads).hasValue(1);
			}
			finally {
				pool.shutdownNow();
			}
		});
	}

	private static long waitingCallers() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.getName().startsWith("cold-key-caller-"))
			.filter((thread) -> thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING)
			.count();
	}

	interface Prices {

		@StaleWhileRevalidate(cache = "prices", key = "#p0")
		String price(long id);

	}

	static class CountingPrices implements Prices {

		final AtomicInteger loads = new AtomicInteger();

		@Override
		public String price(long id) {
			return id + "@" + this.loads.incrementAndGet();
		}

		public String priceViaSelf(long id) {
			return price(id);
		}

	}

	static class SlowCatalog {

		final AtomicInteger loads = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@StaleWhileRevalidate(cache = "slow", key = "#id")
		public String find(long id) throws InterruptedException {
			this.loads.incrementAndGet();
			this.release.await();
			return "product-" + id;
		}

	}

}
