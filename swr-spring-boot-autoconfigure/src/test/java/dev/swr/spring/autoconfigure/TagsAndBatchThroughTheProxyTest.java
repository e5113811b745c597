package dev.swr.spring.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.annotation.SwrEvict;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@code tags}, {@code @SwrEvict} and {@code batch = true} on proxied beans, on the memory store.
 */
class TagsAndBatchThroughTheProxyTest {

	private final ManualClock clock = new ManualClock(Instant.parse("2026-12-06T00:00:00Z"));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class))
		.withPropertyValues("swr.defaults.fresh=10s", "swr.defaults.stale=1m", "swr.defaults.jitter=0")
		.withBean("swrClock", ManualClock.class, () -> this.clock)
		.withBean(Catalog.class);

	@AfterEach
	void reset() {
		SwrStatus.resetTracking();
	}

	// ---- hostile ---------------------------------------------------------------------------

	@Test
	void anEvictingMethodThatThrowsEvictsNothing() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1);
			assertThatIllegalStateException().isThrownBy(() -> catalog.failingChange(1));
			assertThat(catalog.find(1)).isEqualTo("product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
		});
	}

	@Test
	void aTagExpressionThatFailsFailsThatCallAndLeavesTheKeyFree() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			org.assertj.core.api.Assertions.assertThatException().isThrownBy(() -> catalog.findBadlyTagged(1))
				.withMessageContaining("badTag");
			org.assertj.core.api.Assertions.assertThatException().isThrownBy(() -> catalog.findBadlyTagged(1));
			assertThat(context.getBean(SwrCacheManager.class).getSwrCache("badly").inspect().loadsInFlight()).isZero();
		});
	}

	@Test
	void aBatchCallWithANullCollectionNamesTheMethod() {
		this.runner.run((context) -> assertThat(org.assertj.core.api.Assertions.catchThrowable(
				() -> context.getBean(Catalog.class).findAll(null)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Catalog.findAll"));
	}

	// ---- tags ------------------------------------------------------------------------------

	@Test
	void swrEvictByTagRemovesTheTaggedEntriesOnly() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1);
			catalog.find(2);
			catalog.find(3);
			catalog.parityChanged(1);
			this.clock.advance(Duration.ofMillis(1));
			assertThat(catalog.find(1)).isEqualTo("product-1#4");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			assertThat(catalog.find(2)).isEqualTo("product-2#2");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(catalog.find(3)).isEqualTo("product-3#5");
		});
	}

	@Test
	void aSoftTagEvictionServesStaleWhileOneRefreshRuns() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(2);
			catalog.parityRepriced(0);
			this.clock.advance(Duration.ofMillis(1));
			assertThat(catalog.find(2)).isEqualTo("product-2#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
			await().atMost(Duration.ofSeconds(10)).until(() -> catalog.loads().get() == 2);
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				catalog.find(2);
				return SwrStatus.last() == SwrStatus.HIT;
			});
			assertThat(catalog.find(2)).isEqualTo("product-2#2");
		});
	}

	@Test
	void swrEvictByKeyAndAllEntries() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.find(1);
			catalog.find(2);
			catalog.changed(1);
			catalog.find(1);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			catalog.find(2);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			catalog.everythingChanged();
			catalog.find(2);
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
		});
	}

	// ---- batch -----------------------------------------------------------------------------

	@Test
	void aBatchCallLoadsOnlyTheMissingKeysInOneCallAndAnswersInTheGivenOrder() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.findAll(List.of(1L, 2L, 3L))).containsExactly(Map.entry(1L, "product-1#1"),
					Map.entry(2L, "product-2#1"), Map.entry(3L, "product-3#1"));
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.MISS);
			Map<Long, String> second = catalog.findAll(List.of(3L, 4L, 1L));
			assertThat(second).containsExactly(Map.entry(3L, "product-3#1"), Map.entry(4L, "product-4#2"),
					Map.entry(1L, "product-1#1"));
			assertThat(catalog.batches()).containsExactly(List.of(1L, 2L, 3L), List.of(4L));
			catalog.findAll(List.of(1L, 4L));
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.HIT);
			assertThat(catalog.batches()).hasSize(2);
		});
	}

	@Test
	void keysTheMethodLeavesOutAreLeftOutOfTheMap() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.findAll(List.of(1L, 13L, 2L))).containsOnlyKeys(1L, 2L);
			assertThat(catalog.findAll(List.of(13L))).isEmpty();
			assertThat(catalog.batches()).as("13 cached as absent (cache-nulls is on by default)").hasSize(1);
		});
	}

	@Test
	void aSetParameterIsCalledWithASetOfTheMissingKeys() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.findSet(Set.of(1L));
			assertThat(catalog.findSet(new java.util.LinkedHashSet<>(List.of(1L, 2L)))).containsOnlyKeys(1L, 2L);
			assertThat(catalog.setCalls()).containsExactly(Set.of(1L), Set.of(2L));
		});
	}

	@Test
	void staleKeysOfABatchAreRefreshedByOneBackgroundCall() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.findAll(List.of(1L, 2L));
			this.clock.advance(Duration.ofSeconds(15));
			assertThat(catalog.findAll(List.of(1L, 2L))).containsEntry(1L, "product-1#1");
			assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
			await().atMost(Duration.ofSeconds(10)).until(() -> catalog.batches().size() == 2);
			assertThat(catalog.batches().get(1)).containsExactly(1L, 2L);
		});
	}

	@Test
	void batchEntriesAreTaggedPerValue() {
		this.runner.run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			catalog.findAll(List.of(1L, 2L));
			catalog.batchItemChanged(1);
			this.clock.advance(Duration.ofMillis(1));
			catalog.findAll(List.of(1L, 2L));
			assertThat(catalog.batches().get(1)).containsExactly(1L);
		});
	}

	static class Catalog {

		final AtomicInteger loads = new AtomicInteger();

		final List<List<Long>> batches = new CopyOnWriteArrayList<>();

		final List<Set<Long>> setCalls = new CopyOnWriteArrayList<>();

		// Read through these: the fields of a class proxy are its own, not the target's.
		public AtomicInteger loads() {
			return this.loads;
		}

		public List<List<Long>> batches() {
			return this.batches;
		}

		public List<Set<Long>> setCalls() {
			return this.setCalls;
		}

		@StaleWhileRevalidate(cache = "products", key = "#id", tags = "'parity:' + (#id % 2)")
		public String find(long id) {
			return "product-" + id + "#" + this.loads.incrementAndGet();
		}

		@StaleWhileRevalidate(cache = "badly", key = "#id", tags = "#result.badTag")
		public String findBadlyTagged(long id) {
			return "x";
		}

		@StaleWhileRevalidate(cache = "batch", batch = true, tags = "'id:' + #result.substring(8, 9)")
		public Map<Long, String> findAll(List<Long> ids) {
			this.batches.add(List.copyOf(ids));
			int call = this.batches.size();
			Map<Long, String> found = new LinkedHashMap<>();
			for (Long id : ids) {
				if (id != 13L) {
					found.put(id, "product-" + id + "#" + call);
				}
			}
			return found;
		}

		@StaleWhileRevalidate(cache = "set", batch = true)
		public Map<Long, String> findSet(Set<Long> ids) {
			this.setCalls.add(Set.copyOf(ids));
			Map<Long, String> found = new LinkedHashMap<>();
			new ArrayList<>(ids).forEach((id) -> found.put(id, "p" + id));
			return found;
		}

		@SwrEvict(cache = "products", tags = "'parity:' + #parity")
		public void parityChanged(int parity) {
		}

		@SwrEvict(cache = "batch", tags = "'id:' + #id")
		public void batchItemChanged(long id) {
		}

		@SwrEvict(cache = "products", tags = "'parity:' + #parity", soft = true)
		public void parityRepriced(int parity) {
		}

		@SwrEvict(cache = "products", key = "#id")
		public void changed(long id) {
		}

		@SwrEvict(cache = "products", allEntries = true)
		public void everythingChanged() {
		}

		@SwrEvict(cache = "products", allEntries = true)
		public void failingChange(long id) {
			throw new IllegalStateException("change failed");
		}

	}

}
