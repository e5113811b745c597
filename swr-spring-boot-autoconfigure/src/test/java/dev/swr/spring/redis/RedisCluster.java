package dev.swr.spring.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.awaitility.core.ConditionTimeoutException;
import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster on this machine for a test class: three primaries and three replicas
 * ({@code redis-server --cluster-enabled yes} on free ports, joined by {@code redis-cli --cluster
 * create --cluster-replicas 1}), with a one-second node timeout so a killed primary's replica is
 * promoted within seconds. Nothing is kept once it is {@linkplain #close() closed}. Public, and in
 * this module's test jar, for the sample app's {@code cluster} profile test.
 */
public final class RedisCluster implements AutoCloseable {

	/** How long a primary may be silent before its replica takes over. */
	static final Duration NODE_TIMEOUT = Duration.ofSeconds(1);

	private final Path directory;

	private final Map<Integer, Process> nodes = new TreeMap<>();

	private RedisCluster(Path directory) {
		this.directory = directory;
	}

	/**
	 * Starts a cluster from the binaries on the {@code PATH}; without them the test is skipped, or
	 * fails when {@code SWR_REQUIRE_REDIS=true}.
	 */
	public static RedisCluster start() throws Exception {
		return start(RealRedis.Extension.requireBinary("redis-server", "a local Redis Cluster"),
				RealRedis.Extension.requireBinary("redis-cli", "a local Redis Cluster"));
	}

	/**
	 * Starts six nodes and joins them into a cluster, waiting until every node says the cluster is ok.
	 * @param redisServer the {@code redis-server} binary
	 * @param redisCli the {@code redis-cli} binary
	 */
	static RedisCluster start(String redisServer, String redisCli) throws Exception {
		RedisCluster cluster = new RedisCluster(Files.createTempDirectory("swr-cluster"));
		try {
			for (int port : freePorts(6)) {
				cluster.launch(redisServer, port);
			}
			List<String> create = new ArrayList<>(List.of(redisCli, "--cluster", "create"));
			cluster.nodes.keySet().forEach((port) -> create.add("127.0.0.1:" + port));
			create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
			Process joining = new ProcessBuilder(create).redirectErrorStream(true)
				.redirectOutput(cluster.directory.resolve("create.log").toFile())
				.start();
			if (!joining.waitFor(60, TimeUnit.SECONDS) || joining.exitValue() != 0) {
				throw new IllegalStateException("redis-cli --cluster create failed: "
						+ Files.readString(cluster.directory.resolve("create.log")));
			}
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(cluster::allNodesOk);
			// A replica that never finished its first sync is not promoted when its primary dies.
			await().atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(100))
				.until(() -> cluster.nodes.keySet().stream().allMatch(RedisCluster::synced));
			return cluster;
		}
		catch (Exception | Error ex) {
			cluster.close();
			throw ex;
		}
	}

	private void launch(String redisServer, int port) throws IOException {
		Path dir = Files.createDirectories(this.directory.resolve(String.valueOf(port)));
		Process process = new ProcessBuilder(redisServer, "--port", String.valueOf(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
				String.valueOf(NODE_TIMEOUT.toMillis()), "--dir", dir.toString(), "--save", "", "--appendonly", "no",
				"--protected-mode", "no", "--repl-diskless-sync-delay", "0")
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("redis.log").toFile())
			.start();
		this.nodes.put(port, process);
		RedisServer probe = RedisServer.external("redis://127.0.0.1:" + port);
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(probe::answersPing);
	}

	/** {@code spring.data.redis.cluster.nodes}: every node, as a client would list its seeds. */
	public String nodesProperty() {
		return this.nodes.keySet().stream().map((port) -> "127.0.0.1:" + port).collect(Collectors.joining(","));
	}

	/** The ports of the nodes that are primaries now, as the cluster sees it. */
	List<Integer> primaries() {
		return clusterNodes().stream()
			.filter((line) -> line.contains("master") && !line.contains("fail"))
			.map(RedisCluster::portOf)
			.toList();
	}

	/** The port of the primary that serves {@code key}'s slot now. */
	int primaryOf(String key) {
		int slot = SlotHash.getSlot(key);
		for (String line : clusterNodes()) {
			String[] fields = line.split(" ");
			if (!fields[2].contains("master") || fields[2].contains("fail")) {
				continue;
			}
			for (int i = 8; i < fields.length; i++) {
				String[] range = fields[i].split("-");
				if (range[0].startsWith("[")) {
					continue;
				}
				int from = Integer.parseInt(range[0]);
				int to = (range.length > 1) ? Integer.parseInt(range[1]) : from;
				if (slot >= from && slot <= to) {
					return portOf(line);
				}
			}
		}
		throw new IllegalStateException("No primary serves slot " + slot + " of '" + key + "'");
	}

	/** How many keys match {@code pattern} on the primaries (a replica's copies are not counted). */
	long keysMatching(String pattern) {
		return keysPerPrimary(pattern).values().stream().mapToLong(Long::longValue).sum();
	}

	/** How many keys match {@code pattern} on each primary, by its port. */
	public Map<Integer, Long> keysPerPrimary(String pattern) {
		Map<Integer, Long> counts = new TreeMap<>();
		for (int port : primaries()) {
			counts.put(port, onServer(port, ByteArrayCodec.INSTANCE, Duration.ofSeconds(5),
					(connection) -> count(connection, pattern)));
		}
		return counts;
	}

	/**
	 * Runs {@code call} on a connection of its own to the server at {@code port}, each command
	 * bounded by {@code timeout}; the client is shut down after.
	 */
	static <K, V, T> T onServer(int port, RedisCodec<K, V> codec, Duration timeout,
			Function<StatefulRedisConnection<K, V>, T> call) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try (StatefulRedisConnection<K, V> connection = client.connect(codec)) {
			connection.setTimeout(timeout);
			return call.apply(connection);
		}
		finally {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
	}

	/** How many keys of one server match {@code pattern}, by SCAN. */
	static long count(StatefulRedisConnection<byte[], byte[]> connection, String pattern) {
		long count = 0;
		ScanArgs args = ScanArgs.Builder.matches(pattern).limit(1000);
		KeyScanCursor<byte[]> cursor = connection.sync().scan(args);
		count += cursor.getKeys().size();
		while (!cursor.isFinished()) {
			cursor = connection.sync().scan(cursor, args);
			count += cursor.getKeys().size();
		}
		return count;
	}

	/** Kills the node on {@code port} with SIGKILL, as a crashed host would, and waits until it is gone. */
	void kill(int port) throws InterruptedException {
		Process process = this.nodes.get(port);
		process.destroyForcibly();
		process.waitFor(10, TimeUnit.SECONDS);
	}

	/** Waits until the cluster has promoted a replica for every slot and says it is ok again. */
	void awaitFailover(int killedPort) {
		try {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
				for (int port : this.nodes.keySet()) {
					if (port != killedPort && !clusterInfo(port).contains("cluster_state:ok")) {
						return false;
					}
				}
				return !primaries().contains(killedPort);
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("No failover of " + killedPort + " in 30 s; the cluster says:\n"
					+ String.join("\n", clusterNodes()) + "\n" + logTails(), ex);
		}
	}

	/** The last lines of each node's log, for a failure's message. */
	private String logTails() {
		StringBuilder tails = new StringBuilder();
		for (int port : this.nodes.keySet()) {
			try {
				List<String> lines = Files.readAllLines(this.directory.resolve(port + "/redis.log"));
				tails.append("--- node ").append(port).append('\n')
					.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())))
					.append('\n');
			}
			catch (IOException ex) {
				tails.append("--- node ").append(port).append(": no log (").append(ex).append(")\n");
			}
		}
		return tails.toString();
	}

	/** A primary, or a replica whose link to its primary is up (its first sync done). */
	static boolean synced(int port) {
		try {
			String replication = onServer(port, StringCodec.UTF8, Duration.ofSeconds(2),
					(connection) -> connection.sync().info("replication"));
			return replication.contains("role:master") || replication.contains("master_link_status:up");
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private boolean allNodesOk() {
		return this.nodes.keySet().stream().allMatch((port) -> clusterInfo(port).contains("cluster_state:ok"));
	}

	private String clusterInfo(int port) {
		try {
			return adminText(port, "info");
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	private List<String> clusterNodes() {
		for (int port : this.nodes.keySet()) {
			if (this.nodes.get(port).isAlive()) {
				try {
					return adminText(port, "nodes").lines().filter((line) -> !line.isBlank()).toList();
				}
				catch (RuntimeException ex) {
					// try the next node
				}
			}
		}
		throw new IllegalStateException("No cluster node answers CLUSTER NODES");
	}

	private static String adminText(int port, String subcommand) {
		return onServer(port, StringCodec.UTF8, Duration.ofSeconds(2),
				(connection) -> subcommand.equals("info") ? connection.sync().clusterInfo() : connection.sync().clusterNodes());
	}

	/** {@code <id> 127.0.0.1:7000@17000 ...} → 7000. */
	private static int portOf(String nodesLine) {
		String address = nodesLine.split(" ")[1];
		return Integer.parseInt(address.substring(address.indexOf(':') + 1, address.indexOf('@')));
	}

	/** Free ports whose cluster bus ports (port + 10000) are free too. */
	private static List<Integer> freePorts(int count) throws IOException {
		List<Integer> ports = new ArrayList<>();
		while (ports.size() < count) {
			try (ServerSocket socket = new ServerSocket(0)) {
				int port = socket.getLocalPort();
				if (port + 10_000 <= 65_535 && !ports.contains(port) && free(port + 10_000)) {
					ports.add(port);
				}
			}
		}
		return ports;
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws Exception {
		for (Process process : this.nodes.values()) {
			process.destroyForcibly();
		}
		for (Process process : this.nodes.values()) {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		FileSystemUtils.deleteRecursively(this.directory);
	}

}
