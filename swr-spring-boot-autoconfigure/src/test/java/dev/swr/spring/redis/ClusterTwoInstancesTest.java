package dev.swr.spring.redis;

import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AbstractTwoInstancesTests} on a local Redis Cluster (three primaries, three replicas),
 * reached through {@code spring.data.redis.cluster.nodes}: values, leases, evictions and
 * invalidations across slots on different primaries, and a clear that empties every primary.
 */
class ClusterTwoInstancesTest extends AbstractTwoInstancesTests {

	private static RedisCluster cluster;

	@BeforeAll
	static void startCluster() throws Exception {
		cluster = RedisCluster.start();
	}

	@AfterAll
	static void stopCluster() throws Exception {
		if (cluster != null) {
			cluster.close();
		}
	}

	@Test
	void aClearReachesEveryPrimary() {
		instance().run((a) -> {
			for (long id = 1000; id < 1100; id++) {
				a.getBean(Catalog.class).find(id);
			}
			Map<Integer, Long> before = cluster.keysPerPrimary(this.prefix + "products::*");
			assertThat(before).hasSize(3).allSatisfy((port, keys) -> assertThat(keys).as("keys on %d", port).isPositive());

			assertThat(cache(a).clear()).isTrue();

			assertThat(cluster.keysPerPrimary(this.prefix + "products::*")).allSatisfy((port, keys) -> assertThat(keys)
				.as("keys left on %d", port)
				.isZero());
		});
	}

	@Override
	protected String[] connection() {
		return new String[] { "spring.data.redis.cluster.nodes=" + cluster.nodesProperty() };
	}

	@Override
	protected long keysMatching(String pattern) {
		return cluster.keysMatching(pattern);
	}

}
