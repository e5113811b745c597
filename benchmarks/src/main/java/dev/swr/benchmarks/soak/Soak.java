package dev.swr.benchmarks.soak;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.swr.benchmarks.soak.FaultSchedule.Fault;
import dev.swr.benchmarks.soak.FaultSchedule.Kind;
import dev.swr.benchmarks.soak.LoadDriver.Outcome;
import dev.swr.benchmarks.soak.LoadDriver.Violations;
import dev.swr.benchmarks.soak.Poisons.Poison;
import tools.jackson.databind.JsonNode;

/**
 * The fault soak (issue 12): its own {@code redis-server}, two sample instances on the {@code tiered}
 * profile, a bounded keep-alive load over a key space larger than the first tier, and a fixed random
 * schedule of faults (Redis stalled and killed, the upstream failing and slow, keys poisoned). The
 * rules of {@link FaultRules} are checked on every answer; at the end, the invariants: no instance
 * died or ran out of memory, live threads and the heap after GC within {@link #THREAD_BOUND} and
 * {@link #LIVE_HEAP_BOUND}, no load or lease left, and each key's upstream calls within what its
 * fresh window allows in healthy stretches (and never more than its reads during faults).
 * <p>
 * The same schedule is then played against the instances with caching off, for comparison. Each
 * run writes a per-second timeline (answers by status, upstream calls) and the faults as CSV, and
 * {@code benchmarks/soak_plot.py} draws them.
 * <p>
 * Usage: {@code java -cp benchmarks.jar dev.swr.benchmarks.soak.Soak --seconds=900 --seed=12
 * --out=target/soak --jar=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar --caching=both}; or
 * {@code benchmarks/soak.sh <minutes>}.
 */
public final class Soak {

	/** The upstream's latency in a healthy stretch. */
	static final Duration UPSTREAM_LATENCY = Duration.ofMillis(20);

	/** The upstream's latency while slow: past the soak's miss-timeout, within its refresh-timeout. */
	static final Duration SLOW_UPSTREAM = Duration.ofSeconds(3);

	static final Duration FRESH = Duration.ofSeconds(5);

	static final Duration MISS_TIMEOUT = Duration.ofSeconds(1);

	static final Duration BREAKER_OPEN = Duration.ofSeconds(3);

	/**
	 * How long after an upstream fault ends its effects may last: an open breaker's wait, a slow load
	 * still running, plus a second of slack on a loaded machine.
	 */
	static final Duration GRACE = Duration.ofSeconds(5);

	/** How long after a fault of Redis, or a poisoning, the stretch after it is judged as healthy. */
	static final Duration SETTLE = Duration.ofSeconds(2);

	/** Live threads of one instance: Tomcat's for the bounded load, the engine's bounded pools, the JVM's own. */
	static final int THREAD_BOUND = 150;

	/**
	 * The heap one instance holds after a full GC at the end, of its {@link #HEAP}: the app, its caches'
	 * first tiers and Tomcat; anything growing with the run's length (an index, flights, buffers) shows here.
	 */
	static final long LIVE_HEAP_BOUND = 96L * 1024 * 1024;

	static final String HEAP = "-Xmx256m";

	static final int KEYS = 2_000;

	/** The first tier of each instance holds a fifth of the key space. */
	static final int FIRST_TIER = 400;

	static final int INSTANCES = 2;

	static final int WORKERS_PER_INSTANCE = 8;

	static final int REQUESTS_PER_SECOND = 200;

	static final int MAX_VALUE_SIZE = 8 * 1024 * 1024;

	private static final String KEY_PREFIX = "swr-sample:";

	private static final Duration WARM_UP = Duration.ofSeconds(8);

	/** Warm-up reads ids from here on, apart from the judged ones. */
	private static final int WARM_UP_IDS = 5_001;

	private final Options options;

	private final PrintWriter out;

	private Soak(Options options, PrintWriter out) {
		this.options = options;
		this.out = out;
	}

	/**
	 * What to run.
	 *
	 * @param duration the length of each run
	 * @param seed the seed of the schedule, the ids and the poisons
	 * @param outDir where the timelines, the report and the picture go
	 * @param jar the sample app's executable jar
	 * @param redisServer the {@code redis-server} binary
	 * @param cachingOn run with caching on (judged)
	 * @param cachingOff run the same schedule with caching off (for comparison)
	 */
	public record Options(Duration duration, long seed, File outDir, File jar, String redisServer, boolean cachingOn,
			boolean cachingOff) {

		/** Parses {@code --seconds=N --seed=S --out=DIR --jar=FILE --redis-server=BIN --caching=on|off|both}. */
		public static Options parse(String[] args) {
			Map<String, String> values = new HashMap<>();
			for (String arg : args) {
				if (!arg.startsWith("--") || !arg.contains("=")) {
					throw new IllegalArgumentException("Expected --name=value, got '" + arg + "'");
				}
				values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
			}
			String caching = values.getOrDefault("caching", "both");
			if (!Set.of("on", "off", "both").contains(caching)) {
				throw new IllegalArgumentException("--caching must be on, off or both, was '" + caching + "'");
			}
			Options options = new Options(Duration.ofSeconds(Long.parseLong(values.getOrDefault("seconds", "60"))),
					Long.parseLong(values.getOrDefault("seed", "12")), new File(values.getOrDefault("out", "target/soak")),
					new File(values.getOrDefault("jar", "sample-app/target/sample-app-0.1.0-SNAPSHOT.jar")),
					values.getOrDefault("redis-server", "redis-server"), !caching.equals("off"), !caching.equals("on"));
			values.keySet()
				.stream()
				.filter((name) -> !Set.of("seconds", "seed", "out", "jar", "redis-server", "caching").contains(name))
				.findFirst()
				.ifPresent((name) -> {
					throw new IllegalArgumentException("Unknown option --" + name);
				});
			return options;
		}

	}

	/**
	 * What one run found.
	 *
	 * @param cachingOn whether caching was on
	 * @param violations broken rules and invariants (judged only with caching on)
	 * @param report the printed report
	 */
	public record Result(boolean cachingOn, Violations violations, List<String> report) {

		/** Whether the run kept every rule. */
		public boolean passed() {
			return this.violations.none();
		}

	}

	public static void main(String[] args) throws Exception {
		Options options = Options.parse(args);
		PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
		List<Result> results = run(options, out);
		plot(options.outDir(), out);
		boolean passed = results.stream().filter(Result::cachingOn).allMatch(Result::passed);
		out.println(passed ? "SOAK PASSED" : "SOAK FAILED");
		System.exit(passed ? 0 : 1);
	}

	/** Runs what {@code options} asks for, printing each report to {@code out} and into the output directory. */
	public static List<Result> run(Options options, PrintWriter out) throws Exception {
		// The soak's own Redis connection reconnects after each kill: expected, not worth a line each time.
		if (org.slf4j.LoggerFactory.getLogger("io.lettuce.core") instanceof ch.qos.logback.classic.Logger lettuce) {
			lettuce.setLevel(ch.qos.logback.classic.Level.ERROR);
		}
		Files.createDirectories(options.outDir().toPath());
		if (!options.jar().isFile()) {
			throw new IllegalArgumentException("No sample app jar at " + options.jar().getAbsolutePath()
					+ ": build it first (./mvnw -B -pl sample-app -am package -DskipTests)");
		}
		FaultSchedule schedule = FaultSchedule.draw(options.duration(), options.seed(), GRACE);
		Soak soak = new Soak(options, out);
		List<Result> results = new ArrayList<>();
		if (options.cachingOn()) {
			results.add(soak.runOnce(schedule, true));
		}
		if (options.cachingOff()) {
			results.add(soak.runOnce(schedule, false));
		}
		return results;
	}

	private Result runOnce(FaultSchedule schedule, boolean caching) throws Exception {
		String mode = caching ? "on" : "off";
		File dir = this.options.outDir();
		Violations violations = new Violations();
		List<String> report = new ArrayList<>();
		int seconds = (int) schedule.duration().toSeconds();
		HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.executor(Executors.newFixedThreadPool(4, daemon("soak-http")))
			.build();
		try (OwnRedis redis = OwnRedis.start(this.options.redisServer(), new File(dir, "redis-" + mode + ".log"))) {
			List<SampleInstance> instances = new ArrayList<>();
			try {
				for (int i = 0; i < INSTANCES; i++) {
					instances.add(SampleInstance.start("instance-" + (i + 1), this.options.jar(), jvmOptions(),
							arguments(redis.port(), caching), new File(dir, "app-" + mode + "-" + (i + 1) + ".log"), http));
				}
				warmUp(instances, http);
				// Opens the soak's own connection before the clock starts (the first fault uses it).
				redis.keys(KEY_PREFIX + "*");
				FaultRules rules = caching ? new FaultRules(instances, KEYS, GRACE, violations) : null;
				LoadDriver load = new LoadDriver(instances, http, KEYS, 1.0, WORKERS_PER_INSTANCE, REQUESTS_PER_SECOND,
						this.options.seed(), rules, violations, seconds);
				Sampler sampler = new Sampler(instances, seconds, violations);
				Phases phases = new Phases(instances, load);
				long start = System.nanoTime();
				this.out.printf(Locale.ROOT, "soak (caching %s): %d s, seed %d, %d faults, redis on port %d%n", mode,
						seconds, this.options.seed(), schedule.faults().size(), redis.port());
				load.start(start);
				sampler.start(start);
				phases.boundary(Duration.ZERO, true);
				List<String[]> performed = playFaults(schedule, start, redis, instances, rules, phases, violations);
				pauseUntil(start, schedule.duration());
				load.stop();
				phases.boundary(elapsedSince(start), false);
				sampler.stop();
				if (caching) {
					checkEnd(instances, redis, violations);
					phases.check(violations);
				}
				report.add(String.format(Locale.ROOT, "soak, caching %s: %d s, seed %d, %d instances (tiered, %s), "
						+ "%d keys (Zipf 1.0) over a first tier of %d, %d workers per instance paced at %d requests/s",
						mode, seconds, this.options.seed(), INSTANCES, HEAP, KEYS, FIRST_TIER, WORKERS_PER_INSTANCE,
						REQUESTS_PER_SECOND));
				report.add("faults:");
				performed.forEach((fault) -> report.add(String.format(Locale.ROOT, "  %-17s %6s s to %6s s%s", fault[1],
						fault[2], fault[3], fault[4])));
				if (rules != null) {
					rules.describeWindows().forEach((line) -> report.add("  " + line));
				}
				long answers = load.answers();
				StringBuilder outcomes = new StringBuilder("answers: " + answers + " (");
				for (Outcome outcome : Outcome.values()) {
					outcomes.append(outcome.name().toLowerCase(Locale.ROOT)).append(' ').append(load.answered(outcome)).append(", ");
				}
				outcomes.setLength(outcomes.length() - 2);
				report.add(outcomes.append(')').toString());
				report.add(String.format(Locale.ROOT, "slowest answer: %d ms", load.maxLatency().toMillis()));
				long calls = sampler.upstreamCallsTotal();
				report.add(String.format(Locale.ROOT, "upstream calls: %d (%.1f answers per call)", calls,
						(calls == 0) ? 0.0 : (double) answers / calls));
				report.addAll(phases.describe());
				report.addAll(sampler.describe(caching));
				if (caching) {
					report.add(violations.none() ? "violations: none" : "violations:");
					violations.describe().forEach((line) -> report.add("  " + line));
				}
				else if (!violations.none()) {
					report.add("answers other than 200 or a documented 503 (not judged with caching off):");
					violations.describe().forEach((line) -> report.add("  " + line));
				}
				writeTimeline(load, sampler, seconds, new File(dir, "timeline-" + mode + ".csv"));
				writeFaults(performed, new File(dir, "faults-" + mode + ".csv"));
			}
			finally {
				instances.forEach(SampleInstance::close);
			}
		}
		Files.write(new File(dir, "report-" + mode + ".txt").toPath(), report, StandardCharsets.UTF_8);
		report.forEach(this.out::println);
		return new Result(caching, violations, report);
	}

	/**
	 * Gets the instances' code compiled before the clock starts: a just-started JVM on two cores can take
	 * longer than the miss-timeout for its first loads. Ids above the soak's key space, not judged. The
	 * i-th worker of each instance reads the same ids, so the instances contend for leases and wait for
	 * each other's loads as they will when the clock starts on a cold key space.
	 */
	private void warmUp(List<SampleInstance> instances, HttpClient http) throws InterruptedException {
		ExecutorService workers = Executors.newFixedThreadPool(WORKERS_PER_INSTANCE * instances.size(), daemon("soak-warm-up"));
		long until = System.nanoTime() + WARM_UP.toNanos();
		AtomicLong answered = new AtomicLong();
		for (int w = 0; w < WORKERS_PER_INSTANCE * instances.size(); w++) {
			SampleInstance instance = instances.get(w % instances.size());
			int first = WARM_UP_IDS + (w / instances.size()) * 50;
			workers.execute(() -> {
				for (int i = 0; System.nanoTime() < until; i++) {
					try {
						http.send(HttpRequest.newBuilder(instance.base().resolve("/products/" + (first + i % 50)))
							.timeout(Duration.ofSeconds(10))
							.build(), HttpResponse.BodyHandlers.discarding());
						answered.incrementAndGet();
					}
					catch (IOException ex) {
						// warming up: not judged
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						return;
					}
				}
			});
		}
		workers.shutdown();
		if (!workers.awaitTermination(WARM_UP.toSeconds() + 20, TimeUnit.SECONDS)) {
			workers.shutdownNow();
		}
		this.out.printf(Locale.ROOT, "warm-up: %d answers in %d s on ids from %d%n", answered.get(), WARM_UP.toSeconds(),
				WARM_UP_IDS);
	}

	private static List<String> jvmOptions() {
		return List.of(HEAP, "-XX:+ExitOnOutOfMemoryError", "-Xss512k");
	}

	private static List<String> arguments(int redisPort, boolean caching) {
		List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=tiered",
				"--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort,
				"--logging.level.root=WARN", "--logging.level.dev.swr=WARN",
				"--sample.upstream.latency-ms=" + UPSTREAM_LATENCY.toMillis(),
				"--swr.caches.products.fresh=" + FRESH.toSeconds() + "s", "--swr.caches.products.stale=30s",
				"--swr.caches.products.expired=10m", "--swr.caches.products.expired-wait=500ms",
				"--swr.caches.products.maximum-size=" + FIRST_TIER,
				"--swr.defaults.miss-timeout=" + MISS_TIMEOUT.toMillis() + "ms",
				"--swr.circuit-breaker.wait-duration-in-open-state=" + BREAKER_OPEN.toSeconds() + "s",
				"--swr.serializer.max-value-size=" + MAX_VALUE_SIZE + "B"));
		if (!caching) {
			arguments.add("--swr.enabled=false");
		}
		return arguments;
	}

	/** Plays the schedule; answers each fault as done: kind, label, start and end in seconds, detail. */
	private List<String[]> playFaults(FaultSchedule schedule, long start, OwnRedis redis, List<SampleInstance> instances,
			FaultRules rules, Phases phases, Violations violations) throws Exception {
		List<String[]> performed = new ArrayList<>();
		Random random = new Random(this.options.seed());
		List<Poison> poisons = Poisons.make(MAX_VALUE_SIZE, random);
		for (Fault fault : schedule.faults()) {
			pauseUntil(start, fault.start());
			Duration began = elapsedSince(start);
			phases.boundary(began, false);

			String detail = "";
			switch (fault.kind()) {
				case REDIS_STOP -> {
					redis.stall();
					pauseUntil(start, began.plus(fault.length()));
					redis.resume();
				}
				case REDIS_KILL -> {
					redis.kill();
					pauseUntil(start, began.plus(fault.length()));
					redis.restart();
				}
				case UPSTREAM_FAIL, UPSTREAM_SLOW -> {
					Set<Integer> inRedis = idsInRedis(redis);
					if (rules != null) {
						rules.upstreamFaultBegins(fault, elapsedSince(start), inRedis);
					}
					for (SampleInstance instance : instances) {
						if (fault.kind() == Kind.UPSTREAM_FAIL) {
							instance.upstreamFailing(true);
						}
						else {
							instance.upstreamLatency(SLOW_UPSTREAM);
						}
					}
					pauseUntil(start, began.plus(fault.length()));
					for (SampleInstance instance : instances) {
						instance.upstreamFailing(false);
						instance.upstreamLatency(UPSTREAM_LATENCY);
					}
					if (rules != null) {
						rules.upstreamFaultEnds(elapsedSince(start));
					}
				}
				case POISON -> detail = poison(redis, rules, poisons, random, violations);
			}
			Duration ended = elapsedSince(start);
			performed.add(new String[] { fault.kind().name(), fault.kind().label(), seconds(began), seconds(ended), detail });
			pauseUntil(start, ended.plus(fault.kind().ofUpstream() ? GRACE : SETTLE));
			phases.boundary(elapsedSince(start), true);
		}
		return performed;
	}

	private static Set<Integer> idsInRedis(OwnRedis redis) {
		Set<Integer> ids = new HashSet<>();
		String prefix = KEY_PREFIX + "products::";
		for (String key : redis.keys(prefix + "*")) {
			try {
				ids.add(Integer.valueOf(key.substring(prefix.length())));
			}
			catch (NumberFormatException ex) {
				// not one of ours
			}
		}
		return ids;
	}

	/**
	 * Overwrites eight keys, hot and cold, two with each poison. Checks first that the hottest key is
	 * where the soak expects it, so that a change of key format cannot turn the poisoning into a no-op.
	 */
	private static String poison(OwnRedis redis, FaultRules rules, List<Poison> poisons, Random random,
			Violations violations) {
		if (rules != null && !idsInRedis(redis).contains(1)) {
			violations.add("poison target not found", "no " + KEY_PREFIX + "products::1 in Redis", Duration.ZERO);
		}
		List<String> done = new ArrayList<>();
		for (int i = 0; i < 2 * poisons.size(); i++) {
			int id = (i % 2 == 0) ? 1 + random.nextInt(20) : 1 + random.nextInt(KEYS);
			Poison poison = poisons.get(i / 2);
			if (rules != null) {
				rules.poisoned(id);
			}
			redis.set(KEY_PREFIX + "products::" + id, poison.bytes());
			done.add(id + "=" + poison.name());
		}
		return " (" + String.join(", ", done) + ")";
	}

	/** After the load: nothing in flight, no lease, no stuck refresh, no OOM, both instances alive. */
	private static void checkEnd(List<SampleInstance> instances, OwnRedis redis, Violations violations)
			throws IOException {
		Duration end = Duration.ZERO;
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		for (SampleInstance instance : instances) {
			if (!instance.alive()) {
				violations.add("instance died", instance.name(), end);
				continue;
			}
			JsonNode cache = instance.cache("products");
			while ((cache.get("loadsInFlight").asInt() > 0 || cache.get("misses").get("inFlight").asInt() > 0)
					&& System.nanoTime() < deadline) {
				pause(Duration.ofMillis(200));
				cache = instance.cache("products");
			}
			if (cache.get("loadsInFlight").asInt() > 0 || cache.get("misses").get("inFlight").asInt() > 0) {
				violations.add("flight left", instance.name() + ": " + cache.get("loadsInFlight") + " loads, "
						+ cache.get("misses").get("inFlight") + " cold loads still in flight 15 s after the load stopped", end);
			}
			double stuck = instance.metric("swr.refreshes.stuck");
			if (stuck > 0) {
				violations.add("stuck refresh", instance.name() + ": swr.refreshes.stuck = " + stuck, end);
			}
			instance.outOfMemoryLines().forEach((line) -> violations.add("out of memory", instance.name() + ": " + line, end));
		}
		Set<String> leases = redis.keys(KEY_PREFIX + "lease:*");
		long leaseDeadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
		while (!leases.isEmpty() && System.nanoTime() < leaseDeadline) {
			pause(Duration.ofMillis(200));
			leases = redis.keys(KEY_PREFIX + "lease:*");
		}
		if (!leases.isEmpty()) {
			violations.add("lease left", leases.size() + " lease keys with no load running: " + leases, end);
		}
	}

	private static void writeFaults(List<String[]> performed, File file) throws IOException {
		List<String> lines = new ArrayList<>();
		lines.add("kind,label,start_s,end_s");
		for (String[] fault : performed) {
			lines.add(String.join(",", fault[0], fault[1], fault[2], fault[3]));
		}
		Files.write(file.toPath(), lines, StandardCharsets.UTF_8);
	}

	private static String seconds(Duration duration) {
		return String.format(Locale.ROOT, "%.1f", duration.toMillis() / 1000.0);
	}

	private static void writeTimeline(LoadDriver load, Sampler sampler, int seconds, File file) throws IOException {
		List<String> lines = new ArrayList<>();
		StringBuilder header = new StringBuilder("second");
		for (Outcome outcome : Outcome.values()) {
			header.append(',').append(outcome.name().toLowerCase(Locale.ROOT));
		}
		lines.add(header.append(",upstream_calls").toString());
		for (int second = 0; second < seconds; second++) {
			StringBuilder line = new StringBuilder().append(second);
			for (Outcome outcome : Outcome.values()) {
				line.append(',').append(load.answered(second, outcome));
			}
			lines.add(line.append(',').append(sampler.upstreamCalls(second)).toString());
		}
		Files.write(file.toPath(), lines, StandardCharsets.UTF_8);
	}

	/**
	 * Draws {@code soak.png} from the timelines with {@code benchmarks/soak_plot.py}, with Debian's
	 * python3 (which has {@code python3-matplotlib}) when there is one. Reports and skips when it cannot.
	 */
	static void plot(File outDir, PrintWriter out) throws IOException, InterruptedException {
		File script = new File("benchmarks/soak_plot.py");
		if (!script.isFile()) {
			script = new File("soak_plot.py");
		}
		if (!script.isFile()) {
			out.println("no picture: benchmarks/soak_plot.py not found from " + new File(".").getAbsolutePath());
			return;
		}
		String python = new File("/usr/bin/python3").canExecute() ? "/usr/bin/python3" : "python3";
		Process plot = new ProcessBuilder(python, script.getPath(), outDir.getPath()).redirectErrorStream(true).start();
		String output = new String(plot.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!plot.waitFor(60, TimeUnit.SECONDS) || plot.exitValue() != 0) {
			out.println("no picture: " + output.strip());
			return;
		}
		out.print(output);
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** Parks the thread for about {@code duration}; an interrupt ends the pause early and is kept. */
	static void pause(Duration duration) {
		LockSupport.parkNanos(duration.toNanos());
	}

	private static void pauseUntil(long startNanos, Duration at) {
		long wait;
		while ((wait = startNanos + at.toNanos() - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
			LockSupport.parkNanos(wait);
		}
	}

	private static Duration elapsedSince(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

	static ThreadFactory daemon(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Samples the instances: upstream calls every second (for the timeline), live threads and heap every
	 * five (for the bounds). A control request an instance does not answer is a violation: Actuator must
	 * stay up whatever Redis and the upstream do.
	 */
	private static final class Sampler {

		private final List<SampleInstance> instances;

		private final long[] callsPerSecond;

		private final long[] lastCalls;

		private final int[] maxThreads;


		private final double[] maxHeapUsed;

		private final Violations violations;

		private final ExecutorService thread = Executors.newSingleThreadExecutor(daemon("soak-sampler"));

		private volatile boolean stopping;

		private long total;

		Sampler(List<SampleInstance> instances, int seconds, Violations violations) {
			this.instances = instances;
			this.callsPerSecond = new long[seconds + 1];
			this.lastCalls = new long[instances.size()];
			this.maxThreads = new int[instances.size()];
			this.maxHeapUsed = new double[instances.size()];
			this.violations = violations;
		}

		void start(long startNanos) throws IOException {
			for (int i = 0; i < this.instances.size(); i++) {
				this.lastCalls[i] = this.instances.get(i).upstreamCalls();
			}
			this.thread.execute(() -> {
				int second = 0;
				while (!this.stopping) {
					pauseUntil(startNanos, Duration.ofSeconds(second + 1));
					sample(second, startNanos);
					second++;
				}
			});
		}

		private synchronized void sample(int second, long startNanos) {
			for (int i = 0; i < this.instances.size(); i++) {
				SampleInstance instance = this.instances.get(i);
				try {
					long calls = instance.upstreamCalls();
					if (second < this.callsPerSecond.length) {
						this.callsPerSecond[second] += calls - this.lastCalls[i];
					}
					this.total += calls - this.lastCalls[i];
					this.lastCalls[i] = calls;
					if (second % 5 == 0) {
						this.maxThreads[i] = Math.max(this.maxThreads[i], (int) instance.metric("jvm.threads.live"));
						this.maxHeapUsed[i] = Math.max(this.maxHeapUsed[i], instance.metric("jvm.memory.used", "area:heap"));
					}
				}
				catch (IOException | RuntimeException ex) {
					this.violations.add(instance.alive() ? "control request unanswered" : "instance died",
							instance.name() + ": " + ex, elapsedSince(startNanos));
				}
			}
		}

		void stop() throws InterruptedException {
			this.stopping = true;
			this.thread.shutdown();
			if (!this.thread.awaitTermination(30, TimeUnit.SECONDS)) {
				this.thread.shutdownNow();
			}
		}

		synchronized long upstreamCalls(int second) {
			return this.callsPerSecond[second];
		}

		synchronized long upstreamCallsTotal() {
			return this.total;
		}

		/** The bounds, checked at the end: a full GC of each live instance, then the heap it keeps. */
		synchronized List<String> describe(boolean judged) {
			List<String> lines = new ArrayList<>();
			for (int i = 0; i < this.instances.size(); i++) {
				SampleInstance instance = this.instances.get(i);
				double kept = -1;
				try {
					kept = instance.alive() ? instance.heapAfterFullGc() : -1;
				}
				catch (IOException ex) {
					this.violations.add("control request unanswered", instance.name() + ": " + ex, Duration.ZERO);
				}
				lines.add(String.format(Locale.ROOT,
						"%s: at most %d live threads (bound %d); heap used at most %.0f MB, %.0f MB after a full GC at the end (bound %d MB)",
						instance.name(), this.maxThreads[i], THREAD_BOUND, this.maxHeapUsed[i] / 1048576, kept / 1048576,
						LIVE_HEAP_BOUND / 1048576));
				if (judged && this.maxThreads[i] > THREAD_BOUND) {
					this.violations.add("threads over bound", lines.get(lines.size() - 1), Duration.ZERO);
				}
				if (judged && kept > LIVE_HEAP_BOUND) {
					this.violations.add("heap over bound", lines.get(lines.size() - 1), Duration.ZERO);
				}
			}
			return lines;
		}

	}

	/**
	 * Upstream calls and reads per key between the fault boundaries: in a healthy stretch of length T
	 * a key may be loaded at most once per fresh window and instance, plus one for a window straddling
	 * the start and one for a value lost to the fault before (instances × (⌈T / fresh⌉ + 2)); during a
	 * fault and its grace, never more often than it was read (plus one per instance in flight at the
	 * boundary).
	 */
	private static final class Phases {

		private final List<SampleInstance> instances;

		private final LoadDriver load;

		private final List<Snapshot> snapshots = new ArrayList<>();

		private final List<String> lines = new ArrayList<>();

		private record Snapshot(Duration at, boolean healthyAfter, int[] reads, long[] calls) {

		}

		Phases(List<SampleInstance> instances, LoadDriver load) {
			this.instances = instances;
			this.load = load;
		}

		void boundary(Duration at, boolean healthyAfter) throws IOException {
			long[] calls = new long[KEYS + 1];
			for (SampleInstance instance : this.instances) {
				for (Map.Entry<Integer, Long> count : instance.upstreamCallsById().entrySet()) {
					if (count.getKey() <= KEYS) {
						calls[count.getKey()] += count.getValue();
					}
				}
			}
			this.snapshots.add(new Snapshot(at, healthyAfter, this.load.readsById(), calls));
		}

		void check(Violations violations) {
			int healthy = 0;
			long worstCalls = 0;
			double worstShare = 0;
			String worst = "";
			for (int i = 0; i + 1 < this.snapshots.size(); i++) {
				Snapshot from = this.snapshots.get(i);
				Snapshot to = this.snapshots.get(i + 1);
				Duration length = to.at().minus(from.at());
				long windows = (length.toMillis() + FRESH.toMillis() - 1) / FRESH.toMillis();
				long healthyBound = (long) this.instances.size() * (windows + 2);
				if (from.healthyAfter()) {
					healthy++;
				}
				for (int id = 1; id <= KEYS; id++) {
					long calls = to.calls()[id] - from.calls()[id];
					long reads = to.reads()[id] - from.reads()[id];
					long bound = from.healthyAfter() ? healthyBound : reads + this.instances.size();
					String where = String.format(Locale.ROOT, "id %d, %.1f s to %.1f s (%s): %d calls for %d reads, bound %d",
							id, from.at().toMillis() / 1000.0, to.at().toMillis() / 1000.0,
							from.healthyAfter() ? "healthy" : "fault", calls, reads, bound);
					if (calls > bound) {
						violations.add("upstream calls over what the windows allow", where, from.at());
					}
					if (from.healthyAfter() && bound > 0 && (double) calls / bound > worstShare) {
						worstShare = (double) calls / bound;
						worstCalls = calls;
						worst = where;
					}
				}
			}
			this.lines.add(String.format(Locale.ROOT,
					"upstream calls per key: checked over %d stretches (%d healthy); closest to its bound: %s (%d calls, %.0f%% of it)",
					this.snapshots.size() - 1, healthy, worst, worstCalls, worstShare * 100));
		}

		List<String> describe() {
			return this.lines;
		}

	}

}
