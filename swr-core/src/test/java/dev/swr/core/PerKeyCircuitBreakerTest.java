package dev.swr.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** With a breaker per key, one failing key does not stop loads of the others. */
class PerKeyCircuitBreakerTest {

	private final Map<Object, CircuitBreaker> breakers = new ConcurrentHashMap<>();

	private final SwrEngine engine = SwrEngine.builder().clock(new ManualClock()).build();

	private final SwrCache<String, String> cache = this.engine.<String, String>newCache("per-key")
		.circuitBreakers((key) -> this.breakers.computeIfAbsent(key, (k) -> CircuitBreaker.ofDefaults("per-key:" + k)))
		.build();

	@AfterEach
	void close() {
		this.engine.close(Duration.ofSeconds(1));
	}

	@Test
	void anOpenBreakerOfOneKeyRefusesOnlyThatKey() {
		this.cache.inspect().circuitBreakerFor("down").transitionToOpenState();
		assertThatExceptionOfType(SwrCircuitOpenException.class).isThrownBy(() -> this.cache.get("down", (key) -> "x"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("per-key:down"));
		assertThat(this.cache.get("up", (key) -> "fine")).isEqualTo("fine");
		assertThat(this.cache.inspect().circuitBreaker()).isNull();
		assertThat(this.breakers).containsKeys("down", "up");
	}

}
