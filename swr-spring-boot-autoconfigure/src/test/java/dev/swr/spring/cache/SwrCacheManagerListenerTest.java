package dev.swr.spring.cache;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEngine;

import static org.assertj.core.api.Assertions.assertThat;

/** The manager's cache listener, which binds meters to caches created on first use: each cache once. */
class SwrCacheManagerListenerTest {

	private final SwrEngine engine = SwrEngine.builder().clock(new ManualClock()).build();

	private final SwrCacheManager manager = new SwrCacheManager(this.engine, SwrCacheSettings.NONE, Map.of());

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	@Test
	void aListenerSeesTheCachesCreatedBeforeItAndEveryLaterOneOnce() {
		this.manager.getCache("early");
		List<String> seen = new CopyOnWriteArrayList<>();
		this.manager.addCacheListener((cache) -> seen.add(cache.getName()));
		assertThat(seen).containsExactly("early");
		this.manager.getCache("late");
		this.manager.getCache("late");
		this.manager.getSwrCache("late");
		assertThat(seen).containsExactly("early", "late");
		assertThat(this.manager.getExistingCache("never")).isNull();
		assertThat(seen).containsExactly("early", "late");
	}

	@Test
	void manyThreadsCreatingOneCacheTellTheListenerOnce() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		this.manager.addCacheListener((cache) -> seen.add(cache.getName()));
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> calls = new java.util.ArrayList<>();
			for (int i = 0; i < 64; i++) {
				calls.add(threads.submit(() -> this.manager.getCache("shared")));
			}
			for (Future<?> call : calls) {
				call.get();
			}
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(seen).containsExactly("shared");
	}

}
