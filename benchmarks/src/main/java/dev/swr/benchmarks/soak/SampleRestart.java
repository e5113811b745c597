package dev.swr.benchmarks.soak;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.swr.benchmarks.soak.LoadDriver.Outcome;
import dev.swr.benchmarks.soak.LoadDriver.Violations;
import org.springframework.util.FileSystemUtils;

/**
 * The disk store's point, through the sample app: fill N products, kill the JVM with SIGKILL, start it
 * again and measure the time to its first answer and the upstream calls of its first minute under a
 * paced load over the same ids — on the {@code disk} profile and on the memory store.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.swr.benchmarks.soak.SampleRestart
 * <sample-app jar> [ids] [seconds]} (defaults 20,000 ids, 60 s).
 */
public final class SampleRestart {

	private SampleRestart() {
	}

	public static void main(String[] args) throws Exception {
		File jar = new File(args[0]);
		int ids = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		int seconds = (args.length > 2) ? Integer.parseInt(args[2]) : 60;
		Path directory = Files.createTempDirectory("swr-sample-restart");
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.executor(Executors.newFixedThreadPool(4, Soak.daemon("restart-http")))
			.build();
		try {
			for (String store : List.of("disk", "memory")) {
				List<String> arguments = new ArrayList<>(List.of("--logging.level.root=WARN",
						"--swr.caches.products.fresh=10m", "--swr.caches.products.stale=1h",
						"--sample.upstream.latency-ms=20"));
				if (store.equals("disk")) {
					arguments.add("--spring.profiles.active=disk");
					arguments.add("--swr.disk.path=" + directory.resolve("db"));
				}
				File log = directory.resolve("app-" + store + ".log").toFile();
				SampleInstance filled = SampleInstance.start(store + "-before", jar, List.of("-Xmx512m"), arguments, log, http);
				filled.upstreamLatency(Duration.ZERO);
				fill(http, filled.base(), ids);
				filled.kill();

				long started = System.nanoTime();
				SampleInstance restarted = SampleInstance.start(store + "-after", jar, List.of("-Xmx512m"), arguments, log,
						http);
				HttpResponse<String> first = http.send(HttpRequest.newBuilder(restarted.base().resolve("/products/1")).build(),
						HttpResponse.BodyHandlers.ofString());
				long firstAnswer = System.nanoTime() - started;
				long callsBefore = restarted.upstreamCalls();
				Violations violations = new Violations();
				LoadDriver load = new LoadDriver(List.of(restarted), http, ids, 0.0, 8, 200, 12, null, violations, seconds);
				load.start(System.nanoTime());
				Soak.pause(Duration.ofSeconds(seconds));
				load.stop();
				long calls = restarted.upstreamCalls() - callsBefore;
				System.out.println(String.format(Locale.ROOT,
						"%s: %d products filled, JVM killed; restarted: first answer (%s, %s) %d ms after the process started;"
								+ " first %d s at 200 requests/s over the same ids: %d answers (HIT %d, STALE %d, MISS %d), %d upstream calls,"
								+ " slowest answer %d ms",
						store, ids, first.statusCode(), first.headers().firstValue("X-Cache-Status").orElse("-"),
						firstAnswer / 1_000_000, seconds, load.answers(), load.answered(Outcome.HIT),
						load.answered(Outcome.STALE), load.answered(Outcome.MISS), calls, load.maxLatency().toMillis()));
				violations.describe().forEach(System.out::println);
				restarted.close();
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(directory);
		}
	}

	/** Reads every id once with 16 requests in flight. */
	private static void fill(HttpClient http, URI base, int ids) throws InterruptedException {
		ExecutorService workers = Executors.newFixedThreadPool(16, Soak.daemon("restart-fill"));
		AtomicInteger next = new AtomicInteger(1);
		for (int w = 0; w < 16; w++) {
			workers.execute(() -> {
				for (int id = next.getAndIncrement(); id <= ids; id = next.getAndIncrement()) {
					try {
						http.send(HttpRequest.newBuilder(base.resolve("/products/" + id)).build(),
								HttpResponse.BodyHandlers.discarding());
					}
					catch (java.io.IOException ex) {
						// counted by the load that follows, not here
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			});
		}
		workers.shutdown();
		if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
			workers.shutdownNow();
		}
	}

}
