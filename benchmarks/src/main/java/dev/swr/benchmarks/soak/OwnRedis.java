package dev.swr.benchmarks.soak;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;

/**
 * A {@code redis-server} of the soak's own on a free port, nothing kept on disk, that the soak can
 * stall (SIGSTOP), resume, kill (SIGKILL) and restart on the same port; and a connection of its own to
 * poison keys and to look at what the instances left behind.
 */
final class OwnRedis implements AutoCloseable {

	private static final Duration START_WAIT = Duration.ofSeconds(10);

	private final String binary;

	private final int port;

	private final File log;

	private Process process;

	private final RedisClient client;

	private StatefulRedisConnection<byte[], byte[]> connection;

	private OwnRedis(String binary, int port, File log) throws IOException {
		this.binary = binary;
		this.port = port;
		this.log = log;
		launch();
		this.client = RedisClient.create(RedisURI.builder()
			.withHost("127.0.0.1")
			.withPort(port)
			.withTimeout(Duration.ofSeconds(2))
			.build());
	}

	/** Starts {@code binary} on a free port, its output appended to {@code log}. */
	static OwnRedis start(String binary, File log) throws IOException {
		return new OwnRedis(binary, Soak.freePort(), log);
	}

	int port() {
		return this.port;
	}

	private void launch() throws IOException {
		this.process = new ProcessBuilder(this.binary, "--port", String.valueOf(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--protected-mode", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log))
			.start();
		long deadline = System.nanoTime() + START_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 200);
				return;
			}
			catch (IOException notYet) {
				if (!this.process.isAlive()) {
					throw new IOException("redis-server exited at start (code " + this.process.exitValue() + "); see " + this.log);
				}
				Soak.pause(Duration.ofMillis(50));
			}
		}
		throw new IOException("redis-server did not listen on port " + this.port + " within " + START_WAIT + "; see " + this.log);
	}

	/** SIGSTOP: connections stay open, nothing answers, commands queue up. */
	void stall() {
		signal("-STOP");
	}

	/** SIGCONT: runs what queued up meanwhile. */
	void resume() {
		signal("-CONT");
	}

	/** SIGKILL, as a crash would; everything in it is lost. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			throw new IllegalStateException("redis-server " + this.process.pid() + " survived SIGKILL for 10 s");
		}
	}

	/**
	 * Starts it again on the same port, empty. The soak's own connection is opened afresh on next use:
	 * Lettuce would reconnect the old one only after its back-off.
	 */
	void restart() throws IOException {
		dropConnection();
		launch();
	}

	private void dropConnection() {
		if (this.connection != null) {
			this.connection.closeAsync();
			this.connection = null;
		}
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", signal, String.valueOf(this.process.pid())).inheritIO().start();
			if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill " + signal + " of redis-server " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("kill " + signal + " could not run", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling redis-server", ex);
		}
	}

	/** Writes raw bytes under a key, with no expiry. */
	void set(String key, byte[] value) {
		withRetry(() -> connection().sync().set(key.getBytes(StandardCharsets.UTF_8), value));
	}

	/** The keys matching a glob pattern, by SCAN (the soak's key spaces are small). */
	Set<String> keys(String pattern) {
		return withRetry(() -> scan(pattern));
	}

	/** The soak's own commands get three tries, each on a fresh connection after a failure. */
	private <T> T withRetry(java.util.function.Supplier<T> command) {
		RuntimeException last = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				return command.get();
			}
			catch (RuntimeException ex) {
				last = ex;
				dropConnection();
			}
		}
		throw last;
	}

	private Set<String> scan(String pattern) {
		Set<String> keys = new HashSet<>();
		ScanCursor cursor = ScanCursor.INITIAL;
		do {
			KeyScanCursor<byte[]> page = connection().sync().scan(cursor, ScanArgs.Builder.matches(pattern).limit(1000));
			for (byte[] key : page.getKeys()) {
				keys.add(new String(key, StandardCharsets.UTF_8));
			}
			cursor = page;
		}
		while (!cursor.isFinished());
		return keys;
	}

	private StatefulRedisConnection<byte[], byte[]> connection() {
		if (this.connection == null) {
			this.connection = this.client.connect(ByteArrayCodec.INSTANCE);
		}
		return this.connection;
	}

	@Override
	public void close() {
		dropConnection();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		if (this.process.isAlive()) {
			signal("-CONT");
			this.process.destroyForcibly();
		}
	}

}
