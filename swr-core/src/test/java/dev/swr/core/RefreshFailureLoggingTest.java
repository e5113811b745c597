package dev.swr.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A failing background refresh logs one WARN per key per backoff pause, naming the cache, the key
 * and the cause but never the value; reads in between, and hits, log nothing.
 */
class RefreshFailureLoggingTest {

	private final Logger julLogger = Logger.getLogger(SwrCache.class.getName());

	private final List<LogRecord> records = new CopyOnWriteArrayList<>();

	private final Handler capture = new Handler() {
		@Override
		public void publish(LogRecord record) {
			RefreshFailureLoggingTest.this.records.add(record);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}
	};

	private Level previousLevel;

	private final ManualClock clock = new ManualClock();

	private final ManualExecutor refreshes = new ManualExecutor();

	private final SwrEngine engine = SwrEngine.builder()
		.clock(this.clock)
		.refreshExecutor(this.refreshes)
		.timeoutTimer(new ManualTimer())
		.build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("products")
		.policy(SwrPolicy.builder()
			.fresh(Duration.ofSeconds(10))
			.stale(Duration.ofHours(1))
			.expired(Duration.ofHours(1))
			.jitter(0)
			.refreshBackoff(Duration.ofSeconds(1))
			.refreshBackoffMax(Duration.ofSeconds(4))
			.build())
		.build();

	@BeforeEach
	void captureLogs() {
		this.previousLevel = this.julLogger.getLevel();
		this.julLogger.setLevel(Level.ALL);
		this.julLogger.addHandler(this.capture);
	}

	@AfterEach
	void restore() {
		this.julLogger.removeHandler(this.capture);
		this.julLogger.setLevel(this.previousLevel);
		this.engine.close(Duration.ofSeconds(5));
	}

	@Test
	void failingRefreshLogsOneWarningPerKeyPerBackoffPauseWithCacheKeyAndCauseButNotTheValue() {
		this.cache.put("42", "secret-value");
		for (int i = 0; i < 100; i++) {
			this.cache.get("42", (key) -> "unused");
		}
		assertThat(this.records).as("hits log nothing").isEmpty();

		this.clock.advance(Duration.ofSeconds(10));
		this.cache.get("42", this::fail);
		this.refreshes.runAll();
		for (int i = 0; i < 50; i++) {
			// Within the one-second pause: served stale, no refresh, nothing logged.
			this.cache.get("42", this::fail);
			this.refreshes.runAll();
		}
		assertThat(this.records).hasSize(1);
		LogRecord warning = this.records.get(0);
		assertThat(warning.getLevel()).isEqualTo(Level.WARNING);
		String message = formatted(warning);
		assertThat(message).contains("'42'", "'products'", "next attempt in PT1S").doesNotContain("secret-value");
		assertThat(warning.getThrown()).hasMessage("source down");

		this.clock.advance(Duration.ofSeconds(1));
		this.cache.get("42", this::fail);
		this.refreshes.runAll();
		assertThat(this.records).hasSize(2);
		assertThat(formatted(this.records.get(1))).contains("(2 in a row)", "next attempt in PT2S");
	}

	private String fail(String key) {
		throw new IllegalStateException("source down");
	}

	private static String formatted(LogRecord record) {
		return new java.util.logging.SimpleFormatter().formatMessage(record);
	}

}
