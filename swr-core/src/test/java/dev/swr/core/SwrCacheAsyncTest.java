package dev.swr.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** {@link SwrCache#getAsync}: the caller never waits, and loads are still shared. */
class SwrCacheAsyncTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final ManualTimer timer = new ManualTimer();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(this.timer)
		.build();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofSeconds(20))
		.expired(Duration.ofSeconds(30))
		.expiredWait(Duration.ofSeconds(1))
		.jitter(0)
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("async")
		.policy(this.policy)
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	private CompletableFuture<String> load(String key) {
		return CompletableFuture.completedFuture(key + "-v" + this.loads.incrementAndGet());
	}

	@Test
	void missCompletesFromTheLoadersFutureAndConcurrentCallersShareIt() throws Exception {
		CompletableFuture<String> source = new CompletableFuture<>();
		SwrAsyncLoader<String, String> loader = (key) -> {
			this.loads.incrementAndGet();
			return source;
		};
		CompletableFuture<SwrResult<String>> first = this.cache.getAsync("a", loader);
		CompletableFuture<SwrResult<String>> second = this.cache.getAsync("a", loader);
		assertThat(first).isNotDone();
		assertThat(second).isNotDone();
		source.complete("value");
		assertThat(first.get()).isEqualTo(new SwrResult<>("value", SwrStatus.MISS));
		assertThat(second.get()).isEqualTo(new SwrResult<>("value", SwrStatus.MISS));
		assertThat(this.loads).hasValue(1);
		assertThat(this.cache.getAsync("a", loader).get()).isEqualTo(new SwrResult<>("value", SwrStatus.HIT));
	}

	@Test
	void cancellingOneCallersFutureDoesNotCancelTheSharedLoad() throws Exception {
		CompletableFuture<String> source = new CompletableFuture<>();
		CompletableFuture<SwrResult<String>> first = this.cache.getAsync("a", (key) -> source);
		CompletableFuture<SwrResult<String>> second = this.cache.getAsync("a", (key) -> source);
		first.cancel(true);
		assertThat(source).isNotCancelled();
		source.complete("value");
		assertThat(second.get().value()).isEqualTo("value");
		assertThat(this.cache.getEntry("a")).isNotNull();
	}

	@Test
	void failedMissReachesTheCallerWithTheLoadersException() {
		IllegalStateException failure = new IllegalStateException("down");
		CompletableFuture<SwrResult<String>> result = this.cache.getAsync("a",
				(key) -> CompletableFuture.failedFuture(failure));
		Throwable thrown = catchThrowable(result::get);
		assertThat(thrown).isInstanceOf(ExecutionException.class).cause().isSameAs(failure);
		assertThat(this.cache.stats().loads(LoadTrigger.MISS, LoadOutcome.FAILURE)).isEqualTo(1);
	}

	@Test
	void staleReadCompletesAtOnceAndTheRefreshRunsOnThePool() throws Exception {
		this.cache.getAsync("a", this::load).get();
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(this.cache.getAsync("a", this::load).get()).isEqualTo(new SwrResult<>("a-v1", SwrStatus.STALE));
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(this.cache.getAsync("a", this::load).get()).isEqualTo(new SwrResult<>("a-v2", SwrStatus.HIT));
	}

	@Test
	void expiredReadCompletesAsExpiredWhenTheWaitRunsOutAndTheRefreshGoesOn() throws Exception {
		this.cache.getAsync("a", this::load).get();
		this.clock.advance(Duration.ofSeconds(31));
		CompletableFuture<SwrResult<String>> expired = this.cache.getAsync("a", this::load);
		assertThat(expired).isNotDone();
		this.timer.fireAll();
		assertThat(expired.get()).isEqualTo(new SwrResult<>("a-v1", SwrStatus.EXPIRED));
		this.refreshes.runAll();
		assertThat(this.cache.getAsync("a", this::load).get()).isEqualTo(new SwrResult<>("a-v2", SwrStatus.HIT));
		assertThat(this.cache.stats().gets(SwrStatus.EXPIRED)).isEqualTo(1);
	}

	@Test
	void expiredReadCompletesAsAMissWhenTheRefreshEndsWithinTheWait() throws Exception {
		this.cache.getAsync("a", this::load).get();
		this.clock.advance(Duration.ofSeconds(31));
		CompletableFuture<SwrResult<String>> expired = this.cache.getAsync("a", this::load);
		this.refreshes.runAll();
		assertThat(expired.get()).isEqualTo(new SwrResult<>("a-v2", SwrStatus.MISS));
		this.timer.fireAll();
		assertThat(this.cache.stats().gets(SwrStatus.MISS)).isEqualTo(2);
		assertThat(this.cache.stats().gets(SwrStatus.EXPIRED)).isZero();
	}

	@Test
	void expiredReadWhoseRefreshFailsIsAFallback() throws Exception {
		this.cache.getAsync("a", this::load).get();
		this.clock.advance(Duration.ofSeconds(31));
		CompletableFuture<SwrResult<String>> expired = this.cache.getAsync("a",
				(key) -> CompletableFuture.failedFuture(new IllegalStateException("down")));
		this.refreshes.runAll();
		assertThat(expired.get()).isEqualTo(new SwrResult<>("a-v1", SwrStatus.FALLBACK));
	}

	@Test
	void missWithTheBreakerOpenFailsWithCircuitOpen() {
		CircuitBreaker breaker = CircuitBreaker.ofDefaults("guarded");
		SwrCache<String, String> guarded = this.engine.<String, String>newCache("guarded")
			.policy(this.policy)
			.circuitBreaker(breaker)
			.build();
		breaker.transitionToOpenState();
		Throwable thrown = catchThrowable(() -> guarded.getAsync("a", this::load).get());
		assertThat(thrown).cause()
			.isInstanceOfSatisfying(SwrCircuitOpenException.class, (ex) -> {
				assertThat(ex.cacheName()).isEqualTo("guarded");
				assertThat(ex.state()).isEqualTo(CircuitBreaker.State.OPEN);
			});
		assertThat(this.loads).hasValue(0);
	}

	@Test
	void statusOfTheLastReadIsTrackedPerThread() {
		SwrStatus.resetTracking();
		this.cache.getWithStatus("a", (key) -> "v");
		this.cache.getWithStatus("a", (key) -> "v");
		assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		assertThat(SwrStatus.worst()).isEqualTo(SwrStatus.MISS);
		SwrStatus.resetTracking();
		assertThat(SwrStatus.last()).isNull();
		assertThat(SwrStatus.worst()).isNull();
	}

}
