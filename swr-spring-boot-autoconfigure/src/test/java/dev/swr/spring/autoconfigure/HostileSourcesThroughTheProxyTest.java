package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.expression.spel.SpelEvaluationException;
import reactor.core.publisher.Mono;

import dev.swr.core.SwrLoadRejectedException;
import dev.swr.core.SwrLoadTimeoutException;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 11's reproductions, through the proxy as an application meets them: an {@code unless}
 * that throws on a null result, a {@code CompletableFuture} and a {@code Mono} that never complete,
 * a method that hangs. Each call is bounded; none leaves its key stuck.
 */
class HostileSourcesThroughTheProxyTest {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
		.withPropertyValues("swr.defaults.miss-timeout=200ms", "swr.defaults.refresh-timeout=2s",
				"swr.defaults.max-concurrent-misses=2")
		.withUserConfiguration(HostileConfiguration.class);

	@Test
	void anUnlessThatThrowsOnANullResultFailsEachCallAndNeverLeavesTheKeyStuck() throws Exception {
		this.runner.run((context) -> {
			Hostile hostile = context.getBean(Hostile.class);
			Hostile target = org.springframework.test.util.AopTestUtils.getTargetObject(hostile);
			for (int call = 1; call <= 3; call++) {
				CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> hostile.nullResult(7));
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> answer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
					.withCauseInstanceOf(SpelEvaluationException.class);
				assertThat(target.loads).as("call %d loaded again", call).hasValue(call);
			}
			assertThat(context.getBean(SwrCacheManager.class).getSwrCache("nulls").inspect().loadsInFlight()).isZero();
		});
	}

	@Test
	void aFutureThatNeverCompletesFailsItsCallersAfterMissTimeout() {
		this.runner.run((context) -> {
			Hostile hostile = context.getBean(Hostile.class);
			Hostile target = org.springframework.test.util.AopTestUtils.getTargetObject(hostile);
			CompletableFuture<String> first = hostile.neverFuture(1);
			CompletableFuture<String> second = hostile.neverFuture(1);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
				.withCauseInstanceOf(SwrLoadTimeoutException.class);
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
				.withCauseInstanceOf(SwrLoadTimeoutException.class);
			assertThat(target.loads).as("one load for both callers").hasValue(1);
		});
	}

	@Test
	void aMonoThatNeverEmitsFailsItsSubscriberAfterMissTimeout() {
		this.runner.run((context) -> {
			Hostile hostile = context.getBean(Hostile.class);
			Hostile target = org.springframework.test.util.AopTestUtils.getTargetObject(hostile);
			assertThatExceptionOfType(SwrLoadTimeoutException.class)
				.isThrownBy(() -> hostile.neverMono(1).block(PATIENCE))
				.withMessageContaining("'monos'");
		});
	}

	@Test
	void aHangingMethodHoldsAtMostMaxConcurrentMissesCallersAndTheRestAreRefusedAtOnce() throws Exception {
		this.runner.run((context) -> {
			Hostile hostile = context.getBean(Hostile.class);
			Hostile target = org.springframework.test.util.AopTestUtils.getTargetObject(hostile);
			try {
				CompletableFuture<String> one = CompletableFuture.supplyAsync(() -> hostile.hangs(1));
				CompletableFuture<String> two = CompletableFuture.supplyAsync(() -> hostile.hangs(2));
				org.awaitility.Awaitility.await().atMost(PATIENCE).until(() -> target.loads.get() == 2);
				assertThatExceptionOfType(SwrLoadRejectedException.class).isThrownBy(() -> hostile.hangs(3))
					.withMessageContaining("'hanging'");
				for (CompletableFuture<String> waited : java.util.List.of(one, two)) {
					assertThatExceptionOfType(ExecutionException.class)
						.isThrownBy(() -> waited.get(PATIENCE.toSeconds(), TimeUnit.SECONDS))
						.withCauseInstanceOf(SwrLoadTimeoutException.class);
				}
			}
			finally {
				target.release.countDown();
			}
			// The loads went on and were cached.
			org.awaitility.Awaitility.await()
				.atMost(PATIENCE)
				.until(() -> context.getBean(SwrCacheManager.class).getSwrCache("hanging").getEntry(1L) != null);
			assertThat(hostile.hangs(1)).isEqualTo("hung-1");
		});
	}

	static class Hostile {

		final AtomicInteger loads = new AtomicInteger();

		final CountDownLatch release = new CountDownLatch(1);

		@StaleWhileRevalidate(cache = "nulls", key = "#id", unless = "#result.length() > 3")
		public String nullResult(long id) {
			this.loads.incrementAndGet();
			return null;
		}

		@StaleWhileRevalidate(cache = "futures", key = "#id")
		public CompletableFuture<String> neverFuture(long id) {
			this.loads.incrementAndGet();
			return new CompletableFuture<>();
		}

		@StaleWhileRevalidate(cache = "monos", key = "#id")
		public Mono<String> neverMono(long id) {
			return Mono.never();
		}

		@StaleWhileRevalidate(cache = "hanging", key = "#id")
		public String hangs(long id) {
			this.loads.incrementAndGet();
			try {
				this.release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted", ex);
			}
			return "hung-" + id;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class HostileConfiguration {

		@Bean
		Hostile hostile() {
			return new Hostile();
		}

	}

}
