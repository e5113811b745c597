package dev.swr.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Evicting by tag: hard and soft, on one instance and on two sharing a store of tag marks, with the
 * marks' messages delivered, dropped, or the store failing.
 */
class TagEvictionTest {

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrPolicy policy = SwrPolicy.builder()
		.fresh(Duration.ofSeconds(10))
		.stale(Duration.ofSeconds(20))
		.expired(Duration.ofSeconds(30))
		.expiredWait(Duration.ZERO)
		.missTimeout(Duration.ZERO)
		.jitter(0)
		.build();

	private final AtomicInteger loads = new AtomicInteger();

	/** Tags a value by its first letter: "b…" is a book, anything else music. */
	private final SwrTagger<String> byCategory = (value) -> List.of(value.startsWith("b") ? "books" : "music");

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(5));
	}

	private String load(String key) {
		return key + "-v" + this.loads.incrementAndGet();
	}

	private SwrResult<String> read(SwrCache<String, String> cache, String key) {
		return cache.getWithStatus(key, this::load, null, this.byCategory);
	}

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void aTaggerThatThrowsFailsThatLoadAndLeavesTheKeyFree() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("throwing").policy(this.policy).build();
		SwrTagger<String> broken = (value) -> {
			throw new IllegalStateException("tag expression failed");
		};
		for (int i = 0; i < 2; i++) {
			org.assertj.core.api.Assertions.assertThatIllegalStateException()
				.isThrownBy(() -> cache.getWithStatus("b1", this::load, null, broken))
				.withMessage("tag expression failed");
		}
		assertThat(this.loads).hasValue(2);
		assertThat(cache.inspect().loadsInFlight()).isZero();
		assertThat(cache.getEntry("b1")).isNull();
		assertThat(read(cache, "b1").status()).isEqualTo(SwrStatus.MISS);
	}

	@Test
	void badTagsFailTheLoadNamingTheCacheAndKey() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("bad").policy(this.policy).build();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.getWithStatus("k", this::load, null, (value) -> List.of(" ")))
			.withMessageContaining("key 'k' in cache 'bad'");
		List<String> many = new ArrayList<>();
		for (int i = 0; i < 33; i++) {
			many.add("t" + i);
		}
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cache.getWithStatus("k", this::load, null, (value) -> many))
			.withMessageContaining("33 tags; at most 32");
		assertThatIllegalArgumentException().isThrownBy(() -> cache.evictByTag(" ", false)).withMessageContaining("tag");
		assertThat(cache.inspect().loadsInFlight()).isZero();
	}

	@Test
	void aLoadRunningWhenItsTagIsEvictedIsCoveredEvenThoughItLandsAfter() throws Exception {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("racing").policy(this.policy).build();
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<SwrResult<String>> slow = caller.submit(() -> cache.getWithStatus("b1", (key) -> {
				started.countDown();
				release.await(10, TimeUnit.SECONDS);
				return "b1-read-before-the-change";
			}, null, this.byCategory));
			assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
			this.clock.advance(Duration.ofMillis(5));
			cache.evictByTag("books", false);
			this.clock.advance(Duration.ofMillis(5));
			release.countDown();
			assertThat(slow.get(10, TimeUnit.SECONDS).value()).isEqualTo("b1-read-before-the-change");
		}
		finally {
			caller.shutdownNow();
		}
		SwrResult<String> next = read(cache, "b1");
		assertThat(next.status()).isEqualTo(SwrStatus.MISS);
		assertThat(next.value()).isEqualTo("b1-v1");
	}

	// ---- one instance ----------------------------------------------------------------------

	@Test
	void aHardEvictionMakesEveryEntryOfTheTagMissAndLeavesOthers() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("hard").policy(this.policy).build();
		read(cache, "b1");
		read(cache, "b2");
		read(cache, "m1");
		assertThat(cache.evictByTag("books", false)).isTrue();
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read(cache, "b1").status()).isEqualTo(SwrStatus.MISS);
		assertThat(cache.getEntry("b2")).isNull();
		assertThat(read(cache, "m1").status()).isEqualTo(SwrStatus.HIT);
		assertThat(read(cache, "b1")).isEqualTo(new SwrResult<>("b1-v4", SwrStatus.HIT));
		assertThat(this.loads).hasValue(4);
	}

	@Test
	void aSoftEvictionServesStaleWhileOneRefreshReplacesIt() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("soft").policy(this.policy).build();
		read(cache, "b1");
		cache.evictByTag("books", true);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read(cache, "b1")).isEqualTo(new SwrResult<>("b1-v1", SwrStatus.STALE));
		assertThat(read(cache, "b1").status()).isEqualTo(SwrStatus.STALE);
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		assertThat(read(cache, "b1")).isEqualTo(new SwrResult<>("b1-v2", SwrStatus.HIT));
	}

	@Test
	void aSoftEvictionOfAnExpiredEntryLeavesItExpired() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("softExpired").policy(this.policy).build();
		read(cache, "b1");
		this.clock.advance(Duration.ofSeconds(40));
		cache.evictByTag("books", true);
		this.clock.advance(Duration.ofMillis(1));
		SwrEntry<String> entry = cache.getEntry("b1");
		assertThat(entry.statusAt(this.clock.millis())).isEqualTo(SwrStatus.EXPIRED);
	}

	@Test
	void anUntaggedHitIsTheSameEntryObjectTheStoreHolds() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("untagged").policy(this.policy).build();
		cache.get("m1", this::load);
		cache.evictByTag("music", false);
		assertThat(cache.getEntry("m1").tags()).isEmpty();
		assertThat(cache.getWithStatus("m1", this::load).status()).isEqualTo(SwrStatus.HIT);
	}

	@Test
	void theAsyncPathHonoursTags() {
		SwrCache<String, String> cache = this.engine.<String, String>newCache("async").policy(this.policy).build();
		SwrAsyncLoader<String, String> loader = (key) -> CompletableFuture.completedFuture(load(key));
		assertThat(cache.getAsync("b1", loader, null, this.byCategory).join().status()).isEqualTo(SwrStatus.MISS);
		cache.evictByTag("books", false);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(cache.getAsync("b1", loader, null, this.byCategory).join().status()).isEqualTo(SwrStatus.MISS);
		assertThat(cache.getEntryAsync("b1").join().value()).isEqualTo("b1-v2");
		cache.evictByTag("books", false);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(cache.getEntryAsync("b1").join()).isNull();
	}

	// ---- two instances sharing a store -------------------------------------------------------

	@Test
	void anotherInstanceSeesAnEvictionAtOnceWhenTheMessageArrives() {
		SharedMarks marks = new SharedMarks(true);
		MemoryStore<String, String> shared = new MemoryStore<>(100, this.clock);
		SwrCache<String, String> one = cacheOn("one", marks.viewOf(shared));
		SwrCache<String, String> two = cacheOn("two", marks.viewOf(shared));
		read(one, "b1");
		assertThat(read(two, "b1").status()).isEqualTo(SwrStatus.HIT);
		one.evictByTag("books", false);
		this.clock.advance(Duration.ofMillis(1));
		assertThat(read(two, "b1").status()).isEqualTo(SwrStatus.MISS);
	}

	@Test
	void anotherInstanceSeesAnEvictionWhoseMessageWasLostWithinTheCheckInterval() {
		SharedMarks marks = new SharedMarks(false);
		MemoryStore<String, String> shared = new MemoryStore<>(100, this.clock);
		SwrCache<String, String> one = cacheOn("one", marks.viewOf(shared));
		SwrCache<String, String> two = cacheOn("two", marks.viewOf(shared));
		read(one, "b1");
		assertThat(read(two, "b1").status()).isEqualTo(SwrStatus.HIT);
		int readsBefore = marks.reads.get();
		one.evictByTag("books", true);
		this.clock.advance(Duration.ofMillis(500));
		assertThat(read(two, "b1").status()).as("checked less than a second ago").isEqualTo(SwrStatus.HIT);
		assertThat(marks.reads).hasValue(readsBefore);
		this.clock.advance(Duration.ofMillis(600));
		assertThat(read(two, "b1").status()).as("checked again past the interval").isEqualTo(SwrStatus.STALE);
		assertThat(marks.reads).hasValue(readsBefore + 1);
		assertThat(this.refreshes.runAll()).isEqualTo(1);
		this.clock.advance(Duration.ofMillis(1));
		one.evictByTag("books", false);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(read(two, "b1").status()).isEqualTo(SwrStatus.MISS);
	}

	@Test
	void aFailingMarkStoreKeepsTheEvictionHereAndSaysSo() {
		SharedMarks marks = new SharedMarks(true);
		MemoryStore<String, String> shared = new MemoryStore<>(100, this.clock);
		SwrCache<String, String> one = cacheOn("one", marks.viewOf(shared));
		read(one, "b1");
		marks.failing = true;
		assertThat(one.evictByTag("books", false)).isFalse();
		assertThat(one.stats().snapshot().storeErrors(SwrStoreException.Operation.EVICT, SwrStoreException.Reason.OTHER))
			.isEqualTo(1);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(read(one, "b1").status()).as("known here even though the store failed").isEqualTo(SwrStatus.MISS);
		org.assertj.core.api.Assertions.assertThatExceptionOfType(SwrStoreException.class)
			.isThrownBy(() -> one.evictByTagOrThrow("books", true));
	}

	@Test
	void manyReadersOfATaggedEntryAskTheMarkStoreOnce() throws Exception {
		SharedMarks marks = new SharedMarks(false);
		marks.held = new CompletableFuture<>();
		MemoryStore<String, String> shared = new MemoryStore<>(100, this.clock);
		SwrCache<String, String> one = cacheOn("one", marks.viewOf(shared));
		shared.put("b1", new SwrEntry<>("b1-v0", this.clock.millis(), this.clock.millis() + 10_000,
				this.clock.millis() + 30_000, this.clock.millis() + 60_000, List.of("books")));
		int threads = 16;
		CyclicBarrier barrier = new CyclicBarrier(threads);
		CountDownLatch passed = new CountDownLatch(threads);
		List<Thread> readers = new CopyOnWriteArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads, (task) -> {
			Thread thread = new Thread(task);
			readers.add(thread);
			return thread;
		});
		try {
			List<Future<SwrResult<String>>> results = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				results.add(pool.submit(() -> {
					barrier.await(10, TimeUnit.SECONDS);
					passed.countDown();
					return read(one, "b1");
				}));
			}
			// Every reader past the barrier and parked: each is waiting for the marks.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> passed.getCount() == 0 && readers.size() == threads
						&& readers.stream().allMatch((thread) -> thread.getState() == Thread.State.TIMED_WAITING
								|| thread.getState() == Thread.State.WAITING));
			assertThat(marks.waiting()).isEqualTo(1);
			marks.held.complete(null);
			for (Future<SwrResult<String>> result : results) {
				assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(new SwrResult<>("b1-v0", SwrStatus.HIT));
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(marks.reads).hasValue(1);
	}

	private SwrCache<String, String> cacheOn(String instance, SwrStore<String, String> store) {
		SwrEngine instanceEngine = SwrEngine.builder()
			.clock(this.clock)
			.refreshExecutor(this.refreshes)
			.timeoutTimer(new ManualTimer())
			.build();
		return instanceEngine.<String, String>newCache("shared-" + instance).policy(this.policy).store(store).build();
	}

	/** Tag marks shared by instances, as Redis holds them; messages optionally delivered. */
	private final class SharedMarks {

		final Map<String, TagMark> stored = new ConcurrentHashMap<>();

		final List<BiConsumer<String, TagMark>> listeners = new ArrayList<>();

		final AtomicInteger reads = new AtomicInteger();

		final boolean deliver;

		volatile boolean failing;

		volatile CompletableFuture<Void> held = CompletableFuture.completedFuture(null);

		private final AtomicInteger pendingReads = new AtomicInteger();

		SharedMarks(boolean deliver) {
			this.deliver = deliver;
		}

		int waiting() {
			return this.pendingReads.get();
		}

		/** One instance's view: the shared entries, and marks through a store of its own that hears the others. */
		SwrStore<String, String> viewOf(MemoryStore<String, String> entries) {
			TagMarkStore view = new TagMarkStore() {

				private final List<BiConsumer<String, TagMark>> mine = new ArrayList<>();

				@Override
				public void mark(String tag, TagMark mark, long retentionMillis) {
					if (SharedMarks.this.failing) {
						throw new SwrStoreException(SwrStoreException.Operation.EVICT, SwrStoreException.Reason.OTHER,
								"marks down", null);
					}
					SharedMarks.this.stored.merge(tag, mark, TagMark::merge);
					if (SharedMarks.this.deliver) {
						for (BiConsumer<String, TagMark> listener : SharedMarks.this.listeners) {
							if (!this.mine.contains(listener)) {
								listener.accept(tag, mark);
							}
						}
					}
				}

				@Override
				public CompletableFuture<Map<String, TagMark>> read(Collection<String> tags) {
					SharedMarks.this.reads.incrementAndGet();
					if (SharedMarks.this.failing) {
						return CompletableFuture.failedFuture(new SwrStoreException(SwrStoreException.Operation.GET,
								SwrStoreException.Reason.OTHER, "marks down", null));
					}
					SharedMarks.this.pendingReads.incrementAndGet();
					return SharedMarks.this.held.thenApply((ignored) -> {
						SharedMarks.this.pendingReads.decrementAndGet();
						Map<String, TagMark> found = new HashMap<>();
						for (String tag : tags) {
							TagMark mark = SharedMarks.this.stored.get(tag);
							if (mark != null) {
								found.put(tag, mark);
							}
						}
						return found;
					});
				}

				@Override
				public void onRemoteMark(BiConsumer<String, TagMark> listener) {
					this.mine.add(listener);
					SharedMarks.this.listeners.add(listener);
				}

			};
			return new ForwardingStore("shared", TagEvictionTest.this.clock) {

				@Override
				public SwrEntry<String> get(String key) {
					return entries.get(key);
				}

				@Override
				public void put(String key, SwrEntry<String> entry) {
					entries.put(key, entry);
				}

				@Override
				public void evict(String key) {
					entries.evict(key);
				}

				@Override
				public TagMarkStore tagMarks() {
					return view;
				}

			};
		}

	}

}
