package dev.swr.spring.redis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** {@link AbstractFailoverTests} on a Sentinel-managed Redis: the primary is killed, the sentinels promote the replica. */
class SentinelFailoverTest extends AbstractFailoverTests {

	private RedisSentinels sentinels;

	@BeforeEach
	void startSentinels() throws Exception {
		this.sentinels = RedisSentinels.start();
	}

	@AfterEach
	void stopSentinels() throws Exception {
		if (this.sentinels != null) {
			this.sentinels.close();
		}
	}

	@Override
	protected String[] connection() {
		return new String[] { "spring.data.redis.sentinel.master=" + RedisSentinels.MASTER,
				"spring.data.redis.sentinel.nodes=" + this.sentinels.nodesProperty() };
	}

	@Override
	protected int killPrimary() throws Exception {
		return this.sentinels.killPrimary();
	}

	@Override
	protected void awaitFailover(int killed) {
		this.sentinels.awaitFailover(killed);
	}

}
