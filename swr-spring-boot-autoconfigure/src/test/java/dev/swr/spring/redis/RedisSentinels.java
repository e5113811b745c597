package dev.swr.spring.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * A Sentinel-managed Redis on this machine for a test class: a primary, a replica of it, and three
 * {@code redis-sentinel} processes watching them (quorum two, the primary judged down after one
 * second), all on free ports. Nothing is kept once it is {@linkplain #close() closed}.
 */
final class RedisSentinels implements AutoCloseable {

	static final String MASTER = "swr-primary";

	private final Path directory;

	private final Map<Integer, Process> servers = new java.util.TreeMap<>();

	private final Map<Integer, Process> sentinels = new java.util.TreeMap<>();

	private RedisSentinels(Path directory) {
		this.directory = directory;
	}

	/**
	 * Starts the primary, its replica and three sentinels from the binaries on the {@code PATH}
	 * (without them the test is skipped, or fails when {@code SWR_REQUIRE_REDIS=true}), and waits
	 * until every sentinel knows the replica and the other sentinels.
	 */
	static RedisSentinels start() throws Exception {
		String redisServer = RealRedis.Extension.requireBinary("redis-server", "a Sentinel-managed Redis");
		RedisSentinels deployment = new RedisSentinels(Files.createTempDirectory("swr-sentinel"));
		try {
			List<Integer> ports = freePorts(5);
			int primary = ports.get(0);
			deployment.launchServer(redisServer, primary, List.of());
			deployment.launchServer(redisServer, ports.get(1), List.of("--replicaof", "127.0.0.1", String.valueOf(primary)));
			// A replica that never finished its first sync is not promoted when its primary dies.
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
				.until(() -> RedisCluster.synced(ports.get(1)));
			for (int port : ports.subList(2, 5)) {
				deployment.launchSentinel(redisServer, port, primary);
			}
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(deployment::settled);
			return deployment;
		}
		catch (Exception | Error ex) {
			deployment.close();
			throw ex;
		}
	}

	private void launchServer(String redisServer, int port, List<String> extra) throws IOException {
		Path dir = Files.createDirectories(this.directory.resolve(String.valueOf(port)));
		List<String> command = new ArrayList<>(List.of(redisServer, "--port", String.valueOf(port), "--bind", "127.0.0.1",
				"--dir", dir.toString(), "--save", "", "--appendonly", "no", "--protected-mode", "no",
				"--repl-diskless-sync-delay", "0"));
		command.addAll(extra);
		this.servers.put(port, new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("redis.log").toFile())
			.start());
		awaitPing(port);
	}

	private void launchSentinel(String redisServer, int port, int primary) throws IOException {
		Path dir = Files.createDirectories(this.directory.resolve("sentinel-" + port));
		// A sentinel rewrites its configuration file as it learns: it must be a file of its own.
		Path config = Files.writeString(dir.resolve("sentinel.conf"), String.join("\n", "port " + port, "bind 127.0.0.1",
				"protected-mode no", "dir " + dir, "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 2",
				"sentinel down-after-milliseconds " + MASTER + " 1000", "sentinel failover-timeout " + MASTER + " 5000",
				"sentinel parallel-syncs " + MASTER + " 1", ""));
		// redis-sentinel is redis-server in sentinel mode; Debian packages it apart (redis-sentinel).
		String sentinel = RealRedis.Extension.onPath("redis-sentinel");
		List<String> command = (sentinel != null) ? List.of(sentinel, config.toString())
				: List.of(redisServer, config.toString(), "--sentinel");
		this.sentinels.put(port, new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(dir.resolve("sentinel.log").toFile())
			.start());
		awaitPing(port);
	}

	private static void awaitPing(int port) {
		RedisServer probe = RedisServer.external("redis://127.0.0.1:" + port);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(probe::answersPing);
	}

	/** Every sentinel sees a replica of the primary and the two other sentinels. */
	private boolean settled() {
		for (int port : this.sentinels.keySet()) {
			try {
				Map<String, String> master = withSentinel(port, (sentinel) -> sentinel.sync().master(MASTER));
				if (!"1".equals(master.get("num-slaves")) || !"2".equals(master.get("num-other-sentinels"))) {
					return false;
				}
			}
			catch (RuntimeException ex) {
				return false;
			}
		}
		return true;
	}

	/** {@code spring.data.redis.sentinel.nodes}. */
	String nodesProperty() {
		return this.sentinels.keySet().stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	/** The port of the primary, as the sentinels name it now. */
	int primary() {
		for (int port : this.sentinels.keySet()) {
			try {
				return withSentinel(port, (sentinel) -> ((java.net.InetSocketAddress) sentinel.sync().getMasterAddrByName(MASTER)).getPort());
			}
			catch (RuntimeException ex) {
				// ask the next one
			}
		}
		throw new IllegalStateException("No sentinel names the primary");
	}

	/** Kills the primary with SIGKILL, as a crashed host would. */
	int killPrimary() throws InterruptedException {
		int primary = primary();
		Process process = this.servers.get(primary);
		process.destroyForcibly();
		process.waitFor(10, TimeUnit.SECONDS);
		return primary;
	}

	/** Waits until the sentinels have promoted the replica and it takes writes. */
	void awaitFailover(int killedPrimary) {
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
			int now = primary();
			return now != killedPrimary && role(now).startsWith("master");
		});
	}

	private String role(int port) {
		try {
			return RedisCluster.onServer(port, StringCodec.UTF8, Duration.ofSeconds(2),
					(connection) -> String.valueOf(connection.sync().role().get(0)));
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	/** How many keys of the primary match {@code pattern}. */
	long keysMatching(String pattern) {
		return RedisCluster.onServer(primary(), ByteArrayCodec.INSTANCE, Duration.ofSeconds(5),
				(connection) -> RedisCluster.count(connection, pattern));
	}

	private static <T> T withSentinel(int port, java.util.function.Function<StatefulRedisSentinelConnection<String, String>, T> call) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel()) {
			connection.setTimeout(Duration.ofSeconds(2));
			return call.apply(connection);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	private static List<Integer> freePorts(int count) throws IOException {
		List<Integer> ports = new ArrayList<>();
		List<ServerSocket> held = new ArrayList<>();
		try {
			while (ports.size() < count) {
				ServerSocket socket = new ServerSocket(0);
				held.add(socket);
				ports.add(socket.getLocalPort());
			}
		}
		finally {
			for (ServerSocket socket : held) {
				socket.close();
			}
		}
		return ports;
	}

	@Override
	public void close() throws Exception {
		List<Process> all = new ArrayList<>(this.sentinels.values());
		all.addAll(this.servers.values());
		all.forEach(Process::destroyForcibly);
		for (Process process : all) {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		FileSystemUtils.deleteRecursively(this.directory);
	}

}
