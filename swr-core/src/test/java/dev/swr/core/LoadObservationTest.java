package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What the engine tells a {@link SwrLoadObserver} of each load, and that a refresh runs in the
 * context captured ({@link SwrContextCapture}) when the read that made it was answered.
 */
class LoadObservationTest {

	/** Stands for an MDC or the current trace: what a caller's thread carries. */
	private static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final ManualTimer timer = new ManualTimer();

	private final List<String> events = new CopyOnWriteArrayList<>();

	private final SwrLoadObserver observer = (cache, key, trigger) -> {
		this.events.add("starting " + cache + " " + key + " " + trigger + " in " + REQUEST.get());
		return new SwrLoadObserver.Observed() {

			@Override
			public void called() {
				LoadObservationTest.this.events.add("called");
			}

			@Override
			public void ended(LoadOutcome outcome, @Nullable Throwable error) {
				LoadObservationTest.this.events
					.add("ended " + outcome + ((error != null) ? " " + error.getClass().getSimpleName() : ""));
			}

		};
	};

	private final SwrContextCapture capture = () -> {
		String captured = REQUEST.get();
		return new SwrContextCapture.Captured() {

			@Override
			public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
				String previous = REQUEST.get();
				REQUEST.set(captured);
				try {
					return task.call();
				}
				finally {
					REQUEST.set(previous);
				}
			}

		};
	};

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(this.timer)
		.loadObserver(this.observer)
		.contextCapture(this.capture)
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("observed")
		.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(10)).jitter(0).missTimeout(Duration.ZERO).build())
		.build();

	@AfterEach
	void close() {
		REQUEST.remove();
		this.engine.close(Duration.ofSeconds(1));
	}

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void anObserverThatThrowsChangesNothing() {
		SwrEngine throwing = SwrEngine.builder().clock(this.clock).loadObserver((cache, key, trigger) -> {
			throw new IllegalStateException("observer broken");
		}).build();
		try {
			SwrCache<String, String> broken = throwing.<String, String>newCache("broken")
				.policy(SwrPolicy.builder().missTimeout(Duration.ZERO).build())
				.build();
			assertThat(broken.getWithStatus("k", (key) -> "v")).isEqualTo(new SwrResult<>("v", SwrStatus.MISS));
			assertThat(broken.inspect().loadsInFlight()).isZero();
		}
		finally {
			throwing.close(Duration.ofSeconds(1));
		}
	}

	@Test
	void aRefreshGivenUpAtItsTimeoutEndsAsATimeout() {
		this.cache.get("k", (key) -> "v1");
		this.events.clear();
		this.clock.advance(Duration.ofSeconds(11));
		this.cache.get("k", (key) -> {
			// The timeout fires while the source runs; it interrupts this thread.
			this.timer.fireAll();
			throw new IllegalStateException("interrupted by the timeout");
		});
		this.refreshes.runAll();
		// Given up while the source still ran: the outcome is known before the source returns.
		assertThat(this.events).containsExactly("starting observed k REFRESH in null", "ended TIMEOUT TimeoutException",
				"called");
	}

	// ---- what is observed ------------------------------------------------------------------

	@Test
	void aMissIsObservedOnTheCallersThreadAndAHitNotAtAll() {
		REQUEST.set("request-1");
		this.cache.get("k", (key) -> "v1");
		this.cache.get("k", (key) -> "never");
		assertThat(this.events).containsExactly("starting observed k MISS in request-1", "called", "ended SUCCESS");
	}

	@Test
	void aRefreshRunsInTheContextOfTheReadThatMadeItAndLeavesTheWorkerClean() {
		this.cache.get("k", (key) -> "v1");
		this.events.clear();
		this.clock.advance(Duration.ofSeconds(11));
		REQUEST.set("request-2");
		List<String> seenBySource = new CopyOnWriteArrayList<>();
		assertThat(this.cache.getWithStatus("k", (key) -> {
			seenBySource.add(String.valueOf(REQUEST.get()));
			throw new IllegalStateException("source down");
		}).status()).isEqualTo(SwrStatus.STALE);
		// The refresh runs here, on the test's thread, after the request is over.
		REQUEST.set("the worker's own");
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(seenBySource).containsExactly("request-2");
		assertThat(REQUEST.get()).as("restored after the refresh").isEqualTo("the worker's own");
		assertThat(this.events).containsExactly("starting observed k REFRESH in request-2", "called",
				"ended FAILURE IllegalStateException");
	}

	@Test
	void aBatchCallIsOneObservedLoad() {
		REQUEST.set("request-3");
		this.cache.getAll(List.of("a", "b"), (keys) -> Map.of("a", "A", "b", "B"));
		assertThat(this.events).containsExactly("starting observed [a, b] MISS in request-3", "called",
				"ended SUCCESS");
	}

}
