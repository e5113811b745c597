package dev.swr.benchmarks.soak;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import dev.swr.benchmarks.soak.Soak.Options;
import dev.swr.benchmarks.soak.Soak.Result;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The fault soak for one minute, with the seed of {@code benchmarks/soak.sh}: two sample instances
 * (the jar the reactor built before this module) on a {@code redis-server} of the test's own, every
 * kind of fault once, every rule and invariant kept. Fifteen minutes of it are in
 * {@code docs/reliability.md}. Skipped without {@code redis-server} unless {@code SWR_REQUIRE_REDIS=true}.
 */
class SoakTest {

	@Test
	void aMinuteOfFaultsKeepsEveryRule() throws Exception {
		String redisServer = redisServer();
		File jar = SampleJar.find();
		Options options = new Options(Duration.ofSeconds(60), 12, new File("target/soak-verify"), jar, redisServer, true,
				false);
		StringWriter printed = new StringWriter();
		List<Result> results = Soak.run(options, new PrintWriter(printed, true));
		System.out.print(printed);

		assertThat(results).singleElement().satisfies((result) -> assertThat(result.passed())
			.as("the soak's report:%n%s", String.join(System.lineSeparator(), result.report()))
			.isTrue());
	}

	private static String redisServer() {
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			File binary = new File(dir, "redis-server");
			if (binary.canExecute()) {
				return binary.getPath();
			}
		}
		boolean required = Boolean.parseBoolean(System.getenv("SWR_REQUIRE_REDIS"));
		assertThat(required).as("SWR_REQUIRE_REDIS=true but no redis-server on the PATH for the soak").isFalse();
		assumeThat(false).as("no redis-server on the PATH: the soak is skipped").isTrue();
		throw new IllegalStateException("unreachable");
	}

}
