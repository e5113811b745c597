package dev.swr.spring.observation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrContextCapture;
import dev.swr.core.SwrLoadObserver;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each load is an Observation {@code swr.load} (cache, trigger, outcome); a refresh's is a child of
 * the observation current when the read that made it was answered (the request's, so the trace's);
 * the caller's MDC reaches the refresh and does not stay on its thread. Without Micrometer's
 * Observation API or context-propagation, nothing of it is configured.
 */
class ObservationAndContextTest {

	private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T00:00:00Z"));

	/** Every observation that stopped, with its context. */
	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
		.withPropertyValues("swr.defaults.fresh=10s", "swr.defaults.jitter=0")
		.withBean("swrClock", ManualClock.class, () -> this.clock)
		.withBean(ObservationRegistry.class, () -> this.registry)
		.withBean(Catalog.class);

	ObservationAndContextTest() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				ObservationAndContextTest.this.stopped.add(context);
			}

		});
	}

	@AfterEach
	void clear() {
		MDC.clear();
		SwrStatus.resetTracking();
	}

	private List<Observation.Context> loads() {
		return this.stopped.stream().filter((context) -> context.getName().equals("swr.load")).toList();
	}

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void aFailingLoadIsAnObservationWithItsErrorAndOutcome() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> catalog.failing(1));
			assertThat(loads()).singleElement().satisfies((load) -> {
				assertThat(load.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("failure");
				assertThat(load.getError()).hasMessage("source down");
			});
		});
	}

	@Test
	void withoutTheLibrariesNothingIsConfigured() {
		this.runner.withClassLoader(new FilteredClassLoader(ObservationRegistry.class, ContextSnapshotFactory.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(SwrLoadObserver.class).doesNotHaveBean(SwrContextCapture.class);
				assertThat(context.getBean(Catalog.class).find(1)).isEqualTo("product-1#1");
			});
		this.runner.run((context) -> assertThat(context).hasSingleBean(SwrLoadObserver.class)
			.hasSingleBean(SwrContextCapture.class));
	}

	// ---- observations and context -----------------------------------------------------------

	@Test
	void aMissIsAnObservationWithItsCacheTriggerAndOutcome() {
		this.runner.run((context) -> {
			context.getBean(Catalog.class).find(1);
			assertThat(loads()).singleElement().satisfies((load) -> {
				assertThat(load.getLowCardinalityKeyValue("cache").getValue()).isEqualTo("products");
				assertThat(load.getLowCardinalityKeyValue("trigger").getValue()).isEqualTo("miss");
				assertThat(load.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("success");
				assertThat(load.getHighCardinalityKeyValues()).as("keys are never recorded").isEmpty();
			});
		});
	}

	@Test
	void aRefreshIsAChildOfTheRequestThatMadeItAndCarriesItsMdc() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1);
			this.clock.advance(Duration.ofSeconds(11));
			Observation request = Observation.start("http.server.requests", this.registry);
			try (Observation.Scope scope = request.openScope()) {
				MDC.put("requestId", "request-42");
				assertThat(catalog.find(1)).isEqualTo("product-1#1");
				assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
				MDC.remove("requestId");
			}
			finally {
				request.stop();
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> loads().size() == 2);
			Observation.Context refresh = loads().get(1);
			assertThat(refresh.getLowCardinalityKeyValue("trigger").getValue()).isEqualTo("refresh");
			assertThat(refresh.getParentObservation()).isNotNull();
			assertThat(refresh.getParentObservation().getContextView().getName()).isEqualTo("http.server.requests");
			assertThat(catalog.mdcSeen()).containsExactly(Map.of(), Map.of("requestId", "request-42"));

			// The refresh thread kept nothing: a refresh made outside any request sees an empty MDC.
			this.clock.advance(Duration.ofSeconds(11));
			catalog.find(1);
			await().atMost(Duration.ofSeconds(10)).until(() -> loads().size() == 3);
			assertThat(catalog.mdcSeen()).last().isEqualTo(Map.of());
			assertThat(loads().get(2).getParentObservation()).isNull();
		});
	}

	public static class Catalog {

		private final java.util.concurrent.atomic.AtomicInteger loads = new java.util.concurrent.atomic.AtomicInteger();

		private final List<Map<String, String>> mdcSeen = new CopyOnWriteArrayList<>();

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public String find(long id) {
			Map<String, String> mdc = MDC.getCopyOfContextMap();
			this.mdcSeen.add((mdc != null) ? Map.copyOf(mdc) : Map.of());
			return "product-" + id + "#" + this.loads.incrementAndGet();
		}

		@StaleWhileRevalidate(cache = "failing", key = "#id")
		public String failing(long id) {
			throw new IllegalStateException("source down");
		}

		public List<Map<String, String>> mdcSeen() {
			return this.mdcSeen;
		}

	}

}
