package dev.swr.benchmarks.soak;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One sample-app JVM started by the soak: its HTTP face (the catalog, the upstream switches, Actuator)
 * and its process, which the soak watches for an {@code OutOfMemoryError} and stops at the end.
 */
final class SampleInstance implements AutoCloseable {

	private static final Duration START_WAIT = Duration.ofSeconds(120);

	private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String name;

	private final int port;

	private final File log;

	private final Process process;

	private final HttpClient http;

	private SampleInstance(String name, int port, File log, Process process, HttpClient http) {
		this.name = name;
		this.port = port;
		this.log = log;
		this.process = process;
		this.http = http;
	}

	/**
	 * Starts {@code java -jar <jar>} with the given JVM options and application arguments on a free port
	 * and waits until it answers.
	 */
	static SampleInstance start(String name, File jar, List<String> jvmOptions, List<String> arguments, File log,
			HttpClient http) throws IOException {
		int port = Soak.freePort();
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.getAbsolutePath());
		command.add("--server.address=127.0.0.1");
		command.add("--server.port=" + port);
		command.addAll(arguments);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.to(log))
			.start();
		SampleInstance instance = new SampleInstance(name, port, log, process, http);
		instance.awaitUp();
		return instance;
	}

	private void awaitUp() throws IOException {
		long deadline = System.nanoTime() + START_WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IOException(this.name + " exited at start (code " + this.process.exitValue() + "); see " + this.log);
			}
			try {
				if (send("GET", "/upstream").statusCode() == 200) {
					return;
				}
			}
			catch (IOException notYet) {
				// not listening yet
			}
			Soak.pause(Duration.ofMillis(250));
		}
		close();
		throw new IOException(this.name + " did not answer within " + START_WAIT + "; see " + this.log);
	}

	String name() {
		return this.name;
	}

	/** The base address, such as {@code http://127.0.0.1:41234}. */
	URI base() {
		return URI.create("http://127.0.0.1:" + this.port);
	}

	boolean alive() {
		return this.process.isAlive();
	}

	/** Makes every upstream fetch fail ({@code true}) or succeed again. */
	void upstreamFailing(boolean failing) throws IOException {
		expectOk(send("POST", failing ? "/upstream/fail" : "/upstream/recover"));
	}

	/** Sets the upstream's latency per fetch. */
	void upstreamLatency(Duration latency) throws IOException {
		expectOk(send("POST", "/upstream/latency?ms=" + latency.toMillis()));
	}

	/** Fetches that reached this instance's upstream so far. */
	long upstreamCalls() throws IOException {
		return json("/upstream").get("calls").asLong();
	}

	/** Fetches per id so far (ids fetched at least once). */
	Map<Integer, Long> upstreamCallsById() throws IOException {
		Map<Integer, Long> calls = new HashMap<>();
		JsonNode counts = json("/upstream/calls-by-id");
		for (Map.Entry<String, JsonNode> count : counts.properties()) {
			calls.put(Integer.valueOf(count.getKey()), count.getValue().asLong());
		}
		return calls;
	}

	/** A meter's first measurement from {@code /actuator/metrics}, or -1 when it is absent. */
	double metric(String name, String... tags) throws IOException {
		StringBuilder path = new StringBuilder("/actuator/metrics/").append(name);
		for (int i = 0; i < tags.length; i++) {
			path.append((i == 0) ? '?' : '&').append("tag=").append(tags[i]);
		}
		HttpResponse<String> response = send("GET", path.toString());
		if (response.statusCode() == 404) {
			return -1;
		}
		expectOk(response);
		return JSON.readTree(response.body()).get("measurements").get(0).get("value").asDouble();
	}

	/** The {@code swr} endpoint's view of one cache. */
	JsonNode cache(String cache) throws IOException {
		return json("/actuator/swr/" + cache);
	}

	/**
	 * The heap in use right after a full GC ({@code jcmd <pid> GC.run}): what the instance holds on to,
	 * garbage aside.
	 */
	double heapAfterFullGc() throws IOException {
		String launcher = ProcessHandle.current().info().command().orElse("java");
		File jcmd = new File(new File(launcher).getParentFile(), "jcmd");
		Process gc = new ProcessBuilder(jcmd.canExecute() ? jcmd.getPath() : "jcmd", String.valueOf(this.process.pid()),
				"GC.run")
			.redirectErrorStream(true)
			.start();
		try {
			String output = new String(gc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
			if (!gc.waitFor(30, TimeUnit.SECONDS) || gc.exitValue() != 0) {
				throw new IOException("jcmd GC.run of " + this.name + " failed: " + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running jcmd", ex);
		}
		return metric("jvm.memory.used", "area:heap");
	}

	/** Lines of the instance's log that mention an {@code OutOfMemoryError}. */
	List<String> outOfMemoryLines() throws IOException {
		try (var lines = Files.lines(this.log.toPath())) {
			return lines.filter((line) -> line.contains("OutOfMemoryError")).limit(10).toList();
		}
	}

	private JsonNode json(String path) throws IOException {
		HttpResponse<String> response = send("GET", path);
		expectOk(response);
		return JSON.readTree(response.body());
	}

	HttpResponse<String> send(String method, String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(base().resolve(path))
			.timeout(CONTROL_TIMEOUT)
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while calling " + this.name + path, ex);
		}
	}

	private void expectOk(HttpResponse<String> response) throws IOException {
		if (response.statusCode() != 200) {
			throw new IOException(this.name + " answered " + response.statusCode() + " to " + response.request().uri()
					+ ": " + response.body());
		}
	}

	/** Kills the JVM with SIGKILL, as a crash would, and waits until it is gone. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException(this.name + " survived SIGKILL for 30 s");
		}
	}

	/** Stops the JVM (SIGTERM, a graceful shutdown), killing it if it has not ended within 30 s. */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

}
