package dev.swr.spring.redis;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis for a test class: found through {@code SWR_REDIS_URL}, started from the
 * {@code redis-server} binary on a free port, or run in a container. Only a server this class
 * started itself can be killed and restarted ({@link #controllable()}).
 */
public final class RedisServer implements AutoCloseable {

	private final String host;

	private final int port;

	private final String origin;

	private final @Nullable List<String> command;

	private @Nullable Process process;

	private final @Nullable AutoCloseable container;

	private RedisServer(String host, int port, String origin, @Nullable List<String> command,
			@Nullable AutoCloseable container) {
		this.host = host;
		this.port = port;
		this.origin = origin;
		this.command = command;
		this.container = container;
	}

	static RedisServer external(String url) {
		java.net.URI uri = java.net.URI.create(url);
		return new RedisServer(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, "SWR_REDIS_URL=" + url, null,
				null);
	}

	static RedisServer container(String host, int port, AutoCloseable container) {
		return new RedisServer(host, port, "container", null, container);
	}

	/** Starts {@code redis-server} on a free port; nothing is kept on disk. */
	static RedisServer start(String binary) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		List<String> command = List.of(binary, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
				"--appendonly", "no", "--protected-mode", "no");
		RedisServer server = new RedisServer("127.0.0.1", port, binary + " on port " + port, command, null);
		server.launch();
		return server;
	}

	private void launch() throws IOException {
		this.process = new ProcessBuilder(this.command).redirectErrorStream(true)
			.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "swr-redis-" + this.port + ".log"))
			.start();
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(this::answersPing);
	}

	/** Whether this server can be killed and restarted by tests. */
	public boolean controllable() {
		return this.command != null;
	}

	/** Kills the server with SIGKILL, as a crash would, and waits until it is gone. */
	public void kill() throws InterruptedException {
		requireControllable();
		this.process.destroyForcibly();
		this.process.waitFor(10, TimeUnit.SECONDS);
	}

	/** Stops the server with SIGSTOP, as a stalled host would: connections stay open, nothing answers. */
	public void pause() throws IOException, InterruptedException {
		signal("-STOP");
	}

	/** Lets a {@linkplain #pause() paused} server go on (SIGCONT); it runs what was queued meanwhile. */
	public void resume() throws IOException, InterruptedException {
		signal("-CONT");
	}

	private void signal(String signal) throws IOException, InterruptedException {
		requireControllable();
		Process kill = new ProcessBuilder("kill", signal, String.valueOf(this.process.pid())).inheritIO().start();
		if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
			throw new IllegalStateException("kill " + signal + " of redis-server " + this.process.pid() + " failed");
		}
	}

	/** Starts the server again on the same port, empty. */
	public void restart() throws IOException {
		requireControllable();
		launch();
	}

	private void requireControllable() {
		if (!controllable()) {
			throw new IllegalStateException("Redis from " + this.origin + " cannot be killed or restarted by a test");
		}
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/** Where the server came from, for messages. */
	public String origin() {
		return this.origin;
	}

	/** A started Lettuce connection factory for this server; the caller destroys it. */
	public LettuceConnectionFactory connectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(this.host, this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** A raw client connection, for writing bytes behind the library's back. */
	public StatefulRedisConnection<byte[], byte[]> rawConnection() {
		RedisClient client = RedisClient.create("redis://" + this.host + ":" + this.port);
		StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
		connection.setTimeout(Duration.ofSeconds(5));
		return connection;
	}

	/** Whether the server answers PING now (a raw socket, so no client state is involved). */
	public boolean answersPing() {
		try (Socket socket = new Socket(this.host, this.port)) {
			socket.setSoTimeout(500);
			socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			byte[] reply = new byte[5];
			int read = socket.getInputStream().read(reply);
			return read == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws Exception {
		if (this.process != null) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		if (this.container != null) {
			this.container.close();
		}
	}

	@Override
	public String toString() {
		return "Redis from " + this.origin;
	}

}
