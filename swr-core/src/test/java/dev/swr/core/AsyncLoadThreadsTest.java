package dev.swr.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An asynchronous loader that blocks before it returns its future (a {@code CompletableFuture}
 * method whose body calls a blocking client): it must hold a load thread of its cache's own, never
 * the few threads every asynchronous read of a remote store goes on on, and it holds its cold-load
 * permit until it returns.
 */
class AsyncLoadThreadsTest {

	private final ManualClock clock = new ManualClock();

	private final ManualTimer timer = new ManualTimer();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(new ManualExecutor())
		.timeoutTimer(this.timer)
		.build();

	/** Stands for the Redis client's I/O thread, which answers the store's asynchronous reads. */
	private final ExecutorService storeClient = Executors.newSingleThreadExecutor();

	private final CountDownLatch blocked = new CountDownLatch(1);

	private final AtomicInteger inLoader = new AtomicInteger();

	@AfterEach
	void close() {
		this.blocked.countDown();
		this.engine.close(Duration.ofSeconds(1));
		this.storeClient.shutdownNow();
	}

	@Test
	void loadersThatBlockBeforeReturningTheirFutureDoNotStallOtherReadsOfARemoteStore() throws Exception {
		SwrCache<String, String> cache = remoteCache(64);
		assertThat(cache.getAsync("cached", (key) -> CompletableFuture.completedFuture("kept")).get(5, TimeUnit.SECONDS))
			.isEqualTo(new SwrResult<>("kept", SwrStatus.MISS));

		// More blocking loaders than the engine has threads for asynchronous continuations.
		int cold = Math.max(2, Runtime.getRuntime().availableProcessors()) + 2;
		List<CompletableFuture<SwrResult<String>>> waiting = new ArrayList<>();
		for (int i = 0; i < cold; i++) {
			waiting.add(cache.getAsync("cold-" + i, this::blockingLoad));
		}
		await().atMost(Duration.ofSeconds(5)).untilAtomic(this.inLoader, org.hamcrest.Matchers.equalTo(cold));

		assertThat(cache.getAsync("cached", (key) -> CompletableFuture.completedFuture("never"))
			.get(5, TimeUnit.SECONDS)).as("a hit while every loader blocks").isEqualTo(new SwrResult<>("kept", SwrStatus.HIT));

		this.blocked.countDown();
		for (int i = 0; i < cold; i++) {
			assertThat(waiting.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(new SwrResult<>("cold-" + i, SwrStatus.MISS));
		}
	}

	@Test
	void aLoaderThatBlocksPastItsTimeoutKeepsItsColdLoadPermitUntilItReturns() throws Exception {
		SwrCache<String, String> cache = remoteCache(2);
		CompletableFuture<SwrResult<String>> first = cache.getAsync("a", this::blockingLoad);
		CompletableFuture<SwrResult<String>> second = cache.getAsync("b", this::blockingLoad);
		await().atMost(Duration.ofSeconds(5)).untilAtomic(this.inLoader, org.hamcrest.Matchers.equalTo(2));

		this.timer.fireAll();
		await().atMost(Duration.ofSeconds(5)).until(() -> first.isDone() && second.isDone());
		assertThat(first).isCompletedExceptionally();
		assertThat(second).isCompletedExceptionally();
		// Both loaders still hold a thread: a third cold key is refused, not given a third thread.
		assertThat(cache.getAsync("c", this::blockingLoad))
			.failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(SwrLoadRejectedException.class);
		assertThat(this.inLoader).hasValue(2);

		this.blocked.countDown();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cache.getAsync("d", (key) -> CompletableFuture.completedFuture("loaded"))
				.handle((result, failure) -> result)
				.get(5, TimeUnit.SECONDS) != null);
	}

	@Test
	void aCallerGoingStraightToItsNextColdKeyFindsThePermitFree() throws Exception {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("one-at-a-time")
			.policy(SwrPolicy.builder().fresh(Duration.ofSeconds(10)).jitter(0).maxConcurrentMisses(1).build())
			.build();
		for (int i = 0; i < 500; i++) {
			assertThat(cache.getAsync("k" + i, (key) -> CompletableFuture.completedFuture(key)).get(5, TimeUnit.SECONDS))
				.isEqualTo(new SwrResult<>("k" + i, SwrStatus.MISS));
		}
		assertThat(cache.stats().missesRejected()).isZero();
	}

	/** A cache on a store read through {@link SwrStore#getAsync}, answered on another thread, as Redis's are. */
	private SwrCache<String, String> remoteCache(int maxConcurrentMisses) {
		ForwardingStore remote = new ForwardingStore("remote", this.clock) {

			@Override
			public CompletableFuture<@Nullable SwrEntry<String>> getAsync(String key) {
				// Answered a little later on the client's thread, as over a network: the caller has moved on.
				return CompletableFuture.supplyAsync(() -> this.delegate.get(key),
						CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS, AsyncLoadThreadsTest.this.storeClient));
			}

			@Override
			public boolean blocksOnRead() {
				return true;
			}

		};
		SwrPolicy policy = SwrPolicy.builder()
			.fresh(Duration.ofSeconds(10))
			.jitter(0)
			.missTimeout(Duration.ofSeconds(30))
			.maxConcurrentMisses(maxConcurrentMisses)
			.build();
		return this.engine.<String, String>newCache("remote-" + maxConcurrentMisses).policy(policy).store(remote).build();
	}

	/** Blocks until the test lets it go (10 s at most, so a failing run ends), then answers a future already complete. */
	private CompletableFuture<String> blockingLoad(String key) {
		this.inLoader.incrementAndGet();
		try {
			this.blocked.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.inLoader.decrementAndGet();
		}
		return CompletableFuture.completedFuture(key);
	}

}
