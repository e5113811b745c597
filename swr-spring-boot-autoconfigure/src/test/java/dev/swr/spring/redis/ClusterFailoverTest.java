package dev.swr.spring.redis;

import java.util.Comparator;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link AbstractFailoverTests} on a local Redis Cluster: the primary holding most of the load's keys
 * is killed, with the client's default topology refresh.
 */
class ClusterFailoverTest extends AbstractFailoverTests {

	private RedisCluster cluster;

	@BeforeEach
	void startCluster() throws Exception {
		this.cluster = RedisCluster.start();
	}

	@AfterEach
	void stopCluster() throws Exception {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Override
	protected String[] connection() {
		// Boot's and Lettuce's defaults, as a user gets them: writes resume about 10 s after the kill
		// (a periodic refresh, which the README recommends, brings it to about 3 s).
		return new String[] { "spring.data.redis.cluster.nodes=" + this.cluster.nodesProperty() };
	}

	@Override
	protected int killPrimary() throws Exception {
		int busiest = this.cluster.keysPerPrimary("swr-failover-*")
			.entrySet()
			.stream()
			.max(Comparator.comparingLong(Map.Entry::getValue))
			.orElseThrow()
			.getKey();
		this.cluster.kill(busiest);
		return busiest;
	}

	@Override
	protected void awaitFailover(int killed) {
		this.cluster.awaitFailover(killed);
	}

}
