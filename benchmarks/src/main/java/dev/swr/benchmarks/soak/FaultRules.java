package dev.swr.benchmarks.soak;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.swr.benchmarks.soak.FaultSchedule.Fault;
import dev.swr.benchmarks.soak.LoadDriver.Outcome;
import dev.swr.benchmarks.soak.LoadDriver.Violations;

/**
 * The soak's rules for the answers of the caching-on run:
 * <ul>
 * <li>while the upstream is healthy, every answer is a 200 with the asked product, whatever Redis does
 * (stalled, killed, poisoned);</li>
 * <li>while the upstream fails or is slow (and a grace after, for open breakers and slow loads to end),
 * a 503 is allowed only if it is one of the documented problems and the key had no value: it was not
 * in Redis when the fault began (poisoned keys not counted), and the instance had not answered it
 * with a 200 since;</li>
 * <li>nothing else: no other status, no request left unanswered.</li>
 * </ul>
 */
final class FaultRules implements LoadDriver.Rules {

	private final List<SampleInstance> instances;

	private final Duration grace;

	private final Violations violations;

	private final List<Window> windows = new CopyOnWriteArrayList<>();

	private final AtomicIntegerArray poisoned;

	private final int keys;

	FaultRules(List<SampleInstance> instances, int keys, Duration grace, Violations violations) {
		this.instances = instances;
		this.keys = keys;
		this.grace = grace;
		this.violations = violations;
		this.poisoned = new AtomicIntegerArray(keys + 1);
	}

	/**
	 * An upstream fault begins: {@code inRedis} are the ids whose values Redis held just before.
	 * Called before the upstream is switched, with the time it is.
	 */
	void upstreamFaultBegins(Fault fault, Duration at, Set<Integer> inRedis) {
		Window window = new Window(fault, at, this.keys, this.instances.size());
		for (int id : inRedis) {
			if (id > 0 && id <= this.keys && this.poisoned.get(id) == 0) {
				window.inRedis.set(id, 1);
			}
		}
		this.windows.add(window);
	}

	/** The upstream fault begun last has ended (the upstream was switched back) at {@code at}. */
	void upstreamFaultEnds(Duration at) {
		this.windows.get(this.windows.size() - 1).end = at;
	}

	/** A key's value in Redis was replaced by poison: it counts as having no value until it is loaded again. */
	void poisoned(int id) {
		this.poisoned.set(id, 1);
	}

	/** How many keys the windows found in Redis at their start, per window, for the report. */
	List<String> describeWindows() {
		return this.windows.stream()
			.map((window) -> String.format(Locale.ROOT, "%s at %.1f s: %d keys had a value in Redis",
					window.fault.kind().label(), window.start.toMillis() / 1000.0, window.inRedisCount()))
			.toList();
	}

	@Override
	public void judge(SampleInstance instance, int id, HttpResponse<String> response, Outcome outcome, Duration sent,
			Duration answered) {
		int index = this.instances.indexOf(instance);
		Window window = windowAround(sent, answered);
		switch (outcome) {
			case HIT, STALE, MISS, EXPIRED, FALLBACK, OK -> {
				if (outcome == Outcome.MISS) {
					this.poisoned.set(id, 0);
				}
				if (window != null) {
					window.answered(index, id, answered);
				}
			}
			case UNAVAILABLE -> {
				String what = instance.name() + " /products/" + id + ": " + response.body();
				if (window == null) {
					this.violations.add("503 while the upstream was healthy", what, sent);
				}
				else if (window.hadValue(index, id, sent)) {
					this.violations.add("503 for a key that had a value", what + storeReadErrors(instance), sent);
				}
			}
			case ERROR -> {
				if (response.statusCode() != 200) {
					this.violations.add("unexpected answer",
							instance.name() + " /products/" + id + ": " + response.statusCode() + " " + response.body(), sent);
				}
			}
		}
	}

	/** For the report of a violation: whether the instance's reads of Redis were failing then. */
	private static String storeReadErrors(SampleInstance instance) {
		try {
			double errors = instance.metric("swr.store.errors", "operation:get");
			return String.format(Locale.ROOT, " (failed reads of Redis by %s so far: %.0f)", instance.name(),
					Math.max(0, errors));
		}
		catch (IOException ex) {
			return " (failed reads of Redis unknown: " + ex.getMessage() + ")";
		}
	}

	private Window windowAround(Duration sent, Duration answered) {
		for (Window window : this.windows) {
			Duration from = window.start;
			Duration end = window.end;
			Duration to = (end != null) ? end.plus(this.grace) : answered;
			if (answered.compareTo(from) >= 0 && sent.compareTo(to) <= 0) {
				return window;
			}
		}
		return null;
	}

	/** What is known of the keys during one upstream fault. */
	private static final class Window {

		private final Fault fault;

		private final Duration start;

		private volatile Duration end;

		private final AtomicIntegerArray inRedis;

		/** Per instance and id, when the instance first answered the id with a 200 in this window (nanos of the run + 1). */
		private final AtomicLongArray answeredAt;

		private final int stride;

		Window(Fault fault, Duration start, int keys, int instances) {
			this.fault = fault;
			this.start = start;
			this.inRedis = new AtomicIntegerArray(keys + 1);
			this.stride = keys + 1;
			this.answeredAt = new AtomicLongArray(this.stride * instances);
		}

		void answered(int instance, int id, Duration at) {
			this.answeredAt.compareAndSet(instance * this.stride + id, 0, at.toNanos() + 1);
		}

		boolean hadValue(int instance, int id, Duration sent) {
			if (this.inRedis.get(id) == 1) {
				return true;
			}
			long first = this.answeredAt.get(instance * this.stride + id);
			return first != 0 && first - 1 < sent.toNanos();
		}

		int inRedisCount() {
			int count = 0;
			for (int id = 0; id < this.inRedis.length(); id++) {
				count += this.inRedis.get(id);
			}
			return count;
		}

	}

}
