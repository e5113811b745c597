package dev.swr.spring.redis;

import io.lettuce.core.api.StatefulRedisConnection;

/** {@link AbstractTwoInstancesTests} on one Redis server. */
@RealRedis
class TwoInstancesTest extends AbstractTwoInstancesTests {

	private final RedisServer redis;

	TwoInstancesTest(RedisServer redis) {
		this.redis = redis;
	}

	@Override
	protected String[] connection() {
		return new String[] { "spring.data.redis.host=" + this.redis.host(),
				"spring.data.redis.port=" + this.redis.port() };
	}

	@Override
	protected long keysMatching(String pattern) {
		try (StatefulRedisConnection<byte[], byte[]> raw = this.redis.rawConnection()) {
			return RedisCluster.count(raw, pattern);
		}
	}

}
