package dev.swr.benchmarks.soak;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The soak's load: a fixed number of workers per instance, each sending {@code GET /products/{id}}
 * on a keep-alive connection at a paced rate (a bounded, closed loop: a worker waits for its answer),
 * ids drawn from a Zipf distribution over a key space larger than the instances' first tier. Every
 * answer is counted per second by status and judged against the soak's rules as it arrives.
 */
final class LoadDriver {

	/** What an answer is counted as, in the timeline. */
	enum Outcome {

		HIT, STALE, MISS, EXPIRED, FALLBACK,

		/** A 200 without a cache status: caching off. */
		OK,

		/** A documented 503 problem (upstream unavailable or too slow, too many loads, breaker open). */
		UNAVAILABLE,

		/** Anything else: another status, an undocumented 503, no answer in time. */
		ERROR

	}

	/** The titles of the 503 problems the sample documents. */
	static final Set<String> DOCUMENTED_503_TITLES = Set.of("Upstream unavailable", "Upstream too slow",
			"Too many products loading");

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	private final List<SampleInstance> instances;

	private final HttpClient http;

	private final int keys;

	private final double[] zipf;

	private final int workersPerInstance;

	private final long nanosBetweenRequestsOfAWorker;

	private final long seed;

	private final boolean judged;

	private final Rules rules;

	private final int seconds;

	private final AtomicLongArray timeline;

	private final AtomicIntegerArray reads;

	private final Violations violations;

	private final LongAdder answers = new LongAdder();

	private final AtomicLong maxLatencyNanos = new AtomicLong();

	private volatile long startNanos;

	private volatile boolean stopping;

	private final List<Thread> workers = new ArrayList<>();

	/**
	 * @param instances the instances to spread the workers over
	 * @param http the client (keep-alive connections)
	 * @param keys ids 1 to {@code keys} are read
	 * @param zipfExponent skew of the ids: rank r is read in proportion to 1 / r^s (0: uniform)
	 * @param workersPerInstance workers per instance, each with one request outstanding at most
	 * @param requestsPerSecond the paced total rate
	 * @param seed the seed of each worker's ids
	 * @param rules judges each answer, or {@code null} to only count answers (the caching-off run)
	 * @param violations where broken rules go
	 * @param seconds the length of the timeline to keep
	 */
	LoadDriver(List<SampleInstance> instances, HttpClient http, int keys, double zipfExponent, int workersPerInstance,
			int requestsPerSecond, long seed, Rules rules, Violations violations, int seconds) {
		this.instances = instances;
		this.http = http;
		this.keys = keys;
		this.zipf = zipfCumulative(keys, zipfExponent);
		this.workersPerInstance = workersPerInstance;
		int workers = workersPerInstance * instances.size();
		this.nanosBetweenRequestsOfAWorker = 1_000_000_000L * workers / requestsPerSecond;
		this.seed = seed;
		this.judged = rules != null;
		this.rules = rules;
		this.violations = violations;
		this.seconds = seconds;
		this.timeline = new AtomicLongArray((seconds + 1) * Outcome.values().length);
		this.reads = new AtomicIntegerArray(keys + 1);
	}

	private static double[] zipfCumulative(int keys, double exponent) {
		double[] cumulative = new double[keys];
		double sum = 0;
		for (int rank = 1; rank <= keys; rank++) {
			sum += 1 / Math.pow(rank, exponent);
			cumulative[rank - 1] = sum;
		}
		for (int i = 0; i < keys; i++) {
			cumulative[i] /= sum;
		}
		return cumulative;
	}

	/** Starts the workers; the timeline's second 0 is now. */
	void start(long startNanos) {
		this.startNanos = startNanos;
		int index = 0;
		for (SampleInstance instance : this.instances) {
			for (int i = 0; i < this.workersPerInstance; i++) {
				Random random = new Random(this.seed * 31 + index);
				long offset = this.nanosBetweenRequestsOfAWorker * index / (this.workersPerInstance * this.instances.size());
				Thread worker = new Thread(() -> work(instance, random, offset), "soak-load-" + index);
				worker.setDaemon(true);
				this.workers.add(worker);
				index++;
			}
		}
		this.workers.forEach(Thread::start);
	}

	/** Stops the workers and waits for their last answers (at most the request timeout). */
	void stop() throws InterruptedException {
		this.stopping = true;
		for (Thread worker : this.workers) {
			worker.join(REQUEST_TIMEOUT.toMillis() + 1_000);
		}
	}

	private void work(SampleInstance instance, Random random, long offsetNanos) {
		long next = this.startNanos + offsetNanos;
		while (!this.stopping) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				Soak.pause(Duration.ofNanos(wait));
			}
			next = Math.max(next + this.nanosBetweenRequestsOfAWorker, System.nanoTime() - this.nanosBetweenRequestsOfAWorker);
			int id = pick(random);
			request(instance, id);
		}
	}

	private int pick(Random random) {
		double u = random.nextDouble();
		int low = 0;
		int high = this.zipf.length - 1;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.zipf[mid] < u) {
				low = mid + 1;
			}
			else {
				high = mid;
			}
		}
		return low + 1;
	}

	private void request(SampleInstance instance, int id) {
		HttpRequest request = HttpRequest.newBuilder(instance.base().resolve("/products/" + id))
			.timeout(REQUEST_TIMEOUT)
			.GET()
			.build();
		long sent = System.nanoTime();
		this.reads.incrementAndGet(id);
		HttpResponse<String> response;
		try {
			response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			long answered = System.nanoTime();
			count(Outcome.ERROR, answered);
			this.violations.add("no answer", instance.name() + " /products/" + id + ": " + ex, elapsed(sent));
			return;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		long answered = System.nanoTime();
		this.maxLatencyNanos.accumulateAndGet(answered - sent, Math::max);
		Outcome outcome = outcomeOf(response, id);
		count(outcome, answered);
		if (this.judged) {
			this.rules.judge(instance, id, response, outcome, elapsed(sent), elapsed(answered));
		}
		else if (outcome == Outcome.ERROR) {
			this.violations.add("unexpected answer",
					instance.name() + " /products/" + id + ": " + response.statusCode() + " " + response.body(), elapsed(sent));
		}
	}

	private Outcome outcomeOf(HttpResponse<String> response, int id) {
		int status = response.statusCode();
		if (status == 200) {
			if (!response.body().contains("\"id\":" + id + ",")) {
				this.violations.add("wrong product", "/products/" + id + " answered " + response.body(), Duration.ZERO);
				return Outcome.ERROR;
			}
			String cacheStatus = response.headers().firstValue("X-Cache-Status").orElse(null);
			if (cacheStatus == null) {
				return Outcome.OK;
			}
			try {
				return Outcome.valueOf(cacheStatus);
			}
			catch (IllegalArgumentException ex) {
				return Outcome.ERROR;
			}
		}
		if (status == 503 && documented503(response)) {
			return Outcome.UNAVAILABLE;
		}
		return Outcome.ERROR;
	}

	/** A 503 problem with one of the documented titles and a {@code Retry-After}. */
	static boolean documented503(HttpResponse<String> response) {
		boolean problem = response.headers()
			.firstValue("Content-Type")
			.map((type) -> type.startsWith("application/problem+json"))
			.orElse(false);
		if (!problem) {
			return false;
		}
		for (String title : DOCUMENTED_503_TITLES) {
			if (response.body().contains("\"title\":\"" + title + "\"")) {
				return true;
			}
		}
		return false;
	}

	private void count(Outcome outcome, long answeredNanos) {
		long second = (answeredNanos - this.startNanos) / 1_000_000_000L;
		if (second >= 0 && second <= this.seconds) {
			this.timeline.incrementAndGet((int) second * Outcome.values().length + outcome.ordinal());
		}
		this.answers.increment();
	}

	private Duration elapsed(long nanos) {
		return Duration.ofNanos(nanos - this.startNanos);
	}

	/** Answers counted in second {@code second} with this outcome. */
	long answered(int second, Outcome outcome) {
		return this.timeline.get(second * Outcome.values().length + outcome.ordinal());
	}

	/** Answers counted with this outcome over the whole run. */
	long answered(Outcome outcome) {
		long total = 0;
		for (int second = 0; second <= this.seconds; second++) {
			total += answered(second, outcome);
		}
		return total;
	}

	long answers() {
		return this.answers.sum();
	}

	Duration maxLatency() {
		return Duration.ofNanos(this.maxLatencyNanos.get());
	}

	/** Reads per id so far (index 0 unused). */
	int[] readsById() {
		int[] copy = new int[this.keys + 1];
		for (int id = 0; id <= this.keys; id++) {
			copy[id] = this.reads.get(id);
		}
		return copy;
	}

	/**
	 * Broken rules, counted by kind, with the first few of each kind kept as examples.
	 */
	static final class Violations {

		private static final int EXAMPLES = 5;

		private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

		private final Map<String, List<String>> examples = new ConcurrentHashMap<>();

		void add(String kind, String detail, Duration at) {
			this.counts.computeIfAbsent(kind, (k) -> new LongAdder()).increment();
			List<String> kept = this.examples.computeIfAbsent(kind, (k) -> new ArrayList<>());
			synchronized (kept) {
				if (kept.size() < EXAMPLES) {
					kept.add(String.format("at %.1f s: %s", at.toMillis() / 1000.0, abbreviate(detail)));
				}
			}
		}

		private static String abbreviate(String text) {
			return (text.length() <= 300) ? text : text.substring(0, 300) + "…";
		}

		boolean none() {
			return this.counts.isEmpty();
		}

		/** One line per kind with its count, then its examples. */
		List<String> describe() {
			List<String> lines = new ArrayList<>();
			this.counts.entrySet()
				.stream()
				.sorted(Map.Entry.comparingByKey())
				.forEach((count) -> {
					lines.add(count.getKey() + ": " + count.getValue().sum());
					List<String> kept = this.examples.get(count.getKey());
					synchronized (kept) {
						kept.forEach((example) -> lines.add("    " + example));
					}
				});
			return lines;
		}

	}

	/** Judges each answer of the caching-on run. */
	interface Rules {

		void judge(SampleInstance instance, int id, HttpResponse<String> response, Outcome outcome, Duration sent,
				Duration answered);

	}

}
