package dev.swr.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory store on its own: expiry at each entry's {@code expiresAt}, and an eviction policy
 * that still sees which keys are read although most reads are quiet (see {@link MemoryStore#get}).
 */
class MemoryStoreTest {

	private final ManualClock clock = new ManualClock();

	@Test
	void anEntryIsGoneAtItsExpiresAtAndNotBefore() {
		MemoryStore<String, String> store = new MemoryStore<>(100, this.clock);
		store.put("key", entryFor("value", Duration.ofSeconds(10)));
		this.clock.advance(Duration.ofMillis(9_999));
		assertThat(store.get("key")).extracting(SwrEntry::value).isEqualTo("value");
		this.clock.advance(Duration.ofMillis(1));
		assertThat(store.get("key")).isNull();
	}

	@Test
	void clearTellsWhetherItRemovedAnEntryThatHadNotExpired() {
		MemoryStore<String, String> store = new MemoryStore<>(100, this.clock);
		assertThat(store.clear()).as("empty").isFalse();
		store.put("a", entryFor("value", Duration.ofSeconds(10)));
		store.put("b", entryFor("value", Duration.ofSeconds(20)));
		assertThat(store.clear()).isTrue();
		assertThat(store.get("a")).isNull();
		assertThat(store.clear()).as("cleared already").isFalse();
		store.put("a", entryFor("value", Duration.ofSeconds(10)));
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(store.clear()).as("only an entry past its expiresAt, not dropped yet").isFalse();
	}

	@Test
	void aKeyReadOftenSurvivesManyKeysWrittenOnceAndNeverRead() {
		MemoryStore<Integer, String> store = new MemoryStore<>(100, this.clock);
		for (int key = 0; key < 100; key++) {
			store.put(key, entryFor("v" + key, Duration.ofHours(1)));
		}
		int hot = 7;
		for (int read = 0; read < 10_000; read++) {
			assertThat(store.get(hot)).isNotNull();
		}
		for (int key = 100; key < 2_100; key++) {
			store.put(key, entryFor("v" + key, Duration.ofHours(1)));
		}
		assertThat(store.estimatedSize()).isLessThanOrEqualTo(100);
		assertThat(store.get(hot)).as("the key read 10,000 times").isNotNull();
	}

	private SwrEntry<String> entryFor(String value, Duration life) {
		long now = this.clock.millis();
		return new SwrEntry<>(value, now, now + life.toMillis(), now + life.toMillis(), now + life.toMillis());
	}

}
