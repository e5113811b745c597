package dev.swr.spring.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where {@link RealRedis} takes its server from. Before, fault tests asked
 * {@code assumeTrue(redis.controllable())} and were skipped whenever {@code SWR_REDIS_URL} named an
 * external server, even with {@code SWR_REQUIRE_REDIS=true}: required must mean run.
 */
class RealRedisTest {

	@Test
	void faultTestsStartAServerOfTheirOwnEvenWhenAnExternalOneIsNamed() {
		assertThat(RealRedis.Extension.choose("redis://cache:6379", true, true)).isEqualTo(RealRedis.Extension.Source.BINARY);
	}

	@Test
	void faultTestsWithoutARedisServerBinaryHaveNoServerRatherThanAnExternalOne() {
		assertThat(RealRedis.Extension.choose("redis://cache:6379", false, true)).isEqualTo(RealRedis.Extension.Source.NONE);
		assertThat(RealRedis.Extension.choose(null, false, true)).isEqualTo(RealRedis.Extension.Source.NONE);
	}

	@Test
	void otherTestsUseTheNamedServerFirstThenABinaryThenAContainer() {
		assertThat(RealRedis.Extension.choose("redis://cache:6379", true, false)).isEqualTo(RealRedis.Extension.Source.URL);
		assertThat(RealRedis.Extension.choose(" ", true, false)).isEqualTo(RealRedis.Extension.Source.BINARY);
		assertThat(RealRedis.Extension.choose(null, false, false)).isEqualTo(RealRedis.Extension.Source.CONTAINER);
	}

}
