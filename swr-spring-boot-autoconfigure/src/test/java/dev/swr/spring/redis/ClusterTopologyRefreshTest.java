package dev.swr.spring.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.swr.core.SwrStoreException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * On a cluster, a failed command makes the gateway ask Lettuce to read the topology again, at most
 * once a second, so a promoted replica is found without waiting for Lettuce's own refresh
 * ({@code ClusterFailoverTest} measures what that changes).
 */
class ClusterTopologyRefreshTest {

	@Test
	void onlyAConnectionToAClusterGetsATopologyRefresh() {
		LettuceConnectionFactory cluster = new LettuceConnectionFactory(new RedisClusterConfiguration(List.of("127.0.0.1:7000")));
		LettuceConnectionFactory standalone = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));

		assertThat(LettuceTopology.refresher(cluster)).isNotNull();
		assertThat(LettuceTopology.refresher(standalone)).isNull();
	}

	@Test
	void failedCommandsAskForARefreshAtMostOnceASecond() throws IOException {
		AtomicInteger refreshes = new AtomicInteger();
		LettuceConnectionFactory nothingThere = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", freePort()));
		nothingThere.afterPropertiesSet();
		nothingThere.start();
		RedisGateway gateway = new RedisGateway(nothingThere, Duration.ofMillis(200), Duration.ofSeconds(1),
				refreshes::incrementAndGet);
		try {
			for (int i = 0; i < 20; i++) {
				assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> gateway.get("k"));
			}
			assertThat(refreshes).as("asked once for the burst").hasValue(1);

			// Later failures (the breaker's trial call, a second on) ask again.
			await().atMost(Duration.ofSeconds(10)).until(() -> {
				try {
					gateway.get("k");
				}
				catch (SwrStoreException ex) {
					// expected: nothing listens there
				}
				return refreshes.get() == 2;
			});
		}
		finally {
			gateway.close();
			nothingThere.destroy();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
