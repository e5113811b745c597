package dev.swr.spring.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link AbstractTwoInstancesTests} on a Sentinel-managed Redis (a primary, a replica, three
 * sentinels), reached through {@code spring.data.redis.sentinel.*}.
 */
class SentinelTwoInstancesTest extends AbstractTwoInstancesTests {

	private static RedisSentinels sentinels;

	@BeforeAll
	static void startSentinels() throws Exception {
		sentinels = RedisSentinels.start();
	}

	@AfterAll
	static void stopSentinels() throws Exception {
		if (sentinels != null) {
			sentinels.close();
		}
	}

	@Override
	protected String[] connection() {
		return new String[] { "spring.data.redis.sentinel.master=" + RedisSentinels.MASTER,
				"spring.data.redis.sentinel.nodes=" + sentinels.nodesProperty() };
	}

	@Override
	protected long keysMatching(String pattern) {
		return sentinels.keysMatching(pattern);
	}

}
