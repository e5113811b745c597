package dev.swr.spring.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Asks Lettuce's cluster client to read the cluster's topology again. Lettuce refreshes it by
 * itself, but with Boot's defaults at most once per 5 s and only once its reconnect attempts,
 * whose pauses double, set a refresh off: after a primary dies, writes to its slots resumed about
 * 10 s after the kill. The gateway calls this when a command fails, at most once a second, so the
 * client sees a promoted replica about as soon as the cluster has one. Only referenced where
 * Lettuce is on the class path.
 */
final class LettuceTopology {

	private static final Log logger = LogFactory.getLog(LettuceTopology.class);

	private LettuceTopology() {
	}

	/**
	 * A refresh of {@code connectionFactory}'s cluster topology, or {@code null} when it is not a
	 * Lettuce connection to a cluster.
	 */
	static @Nullable Runnable refresher(ReactiveRedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce) || !lettuce.isClusterAware()) {
			return null;
		}
		return () -> {
			if (lettuce.getNativeClient() instanceof RedisClusterClient client) {
				client.refreshPartitionsAsync().whenComplete((done, failure) -> {
					if (failure != null) {
						logger.debug("Refresh of the Redis Cluster topology failed", failure);
					}
				});
			}
		};
	}

}
