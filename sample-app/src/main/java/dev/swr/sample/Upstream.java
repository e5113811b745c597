package dev.swr.sample;

import java.math.BigDecimal;
import java.time.InstantSource;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A fake remote catalog: slow by {@link #latencyMs()} per fetch, switchable to failing, and counting
 * every fetch that reaches it, so the effect of the cache in front of it can be seen.
 */
@Component
public class Upstream {

	/** One line per upstream call, with the trace id of the request it serves (Boot's log correlation). */
	private static final Log logger = LogFactory.getLog(Upstream.class);

	private final InstantSource clock;

	/**
	 * Ids whose fetches are also counted one by one ({@code GET /upstream/calls-by-id}), so a soak can
	 * check each key's loads against its windows. Bounded, so that a client asking for arbitrary ids
	 * cannot grow it: larger ids are counted in {@link #calls()} only.
	 */
	static final int TRACKED_IDS = 10_000;

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLongArray callsById = new AtomicLongArray(TRACKED_IDS);

	private final AtomicBoolean failing = new AtomicBoolean();

	private final AtomicLong latencyMs;

	/**
	 * @param clock the caches' clock, so {@code fetchedAt} follows a test's clock too
	 * @param latencyMs the initial simulated latency of a fetch ({@code sample.upstream.latency-ms})
	 */
	public Upstream(@Qualifier("swrClock") InstantSource clock,
			@Value("${sample.upstream.latency-ms:20}") long latencyMs) {
		this.clock = clock;
		this.latencyMs = new AtomicLong(requireNotNegative(latencyMs));
	}

	/**
	 * Fetches a product after the simulated latency.
	 * @throws UpstreamUnavailableException when switched to failing
	 * @throws IllegalStateException when interrupted while waiting (a refresh timed out or the app stops)
	 */
	public Product fetch(long id) {
		logger.info("Upstream call for product " + id);
		this.calls.incrementAndGet();
		countFetchOf(id);
		simulateLatency();
		if (this.failing.get()) {
			throw new UpstreamUnavailableException(id);
		}
		return product(id);
	}

	/**
	 * Fetches several products with one call (one simulated latency, one count in {@link #calls()};
	 * each id counted in {@link #callsById()}).
	 * @throws UpstreamUnavailableException when switched to failing
	 */
	public Map<Long, Product> fetchAll(Collection<Long> ids) {
		logger.info("Upstream call for products " + ids);
		this.calls.incrementAndGet();
		ids.forEach(this::countFetchOf);
		simulateLatency();
		if (this.failing.get()) {
			throw new UpstreamUnavailableException(ids.isEmpty() ? -1 : ids.iterator().next());
		}
		Map<Long, Product> products = new LinkedHashMap<>();
		ids.forEach((id) -> products.put(id, product(id)));
		return products;
	}

	private void countFetchOf(long id) {
		if (id >= 0 && id < TRACKED_IDS) {
			this.callsById.incrementAndGet((int) id);
		}
	}

	private Product product(long id) {
		BigDecimal price = BigDecimal.valueOf(Math.floorMod(id * 7919, 10_000) + 99, 2);
		return new Product(id, "Product " + id, Product.categoryOf(id), price, this.clock.instant());
	}

	private void simulateLatency() {
		long millis = this.latencyMs.get();
		if (millis == 0) {
			return;
		}
		try {
			TimeUnit.MILLISECONDS.sleep(millis);
		}
		catch (InterruptedException ex) {
			// Keep the interrupt for the caller's pool; the load simply fails.
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the upstream catalog", ex);
		}
	}

	/** How many fetches reached the upstream, failed ones included. */
	public long calls() {
		return this.calls.get();
	}

	/**
	 * Fetches per id, for ids from 0 to {@value #TRACKED_IDS} (exclusive) that were fetched at least
	 * once, in id order.
	 */
	public Map<Long, Long> callsById() {
		Map<Long, Long> counts = new TreeMap<>();
		for (int id = 0; id < TRACKED_IDS; id++) {
			long n = this.callsById.get(id);
			if (n > 0) {
				counts.put((long) id, n);
			}
		}
		return counts;
	}

	/** Whether fetches currently fail. */
	public boolean failing() {
		return this.failing.get();
	}

	/** The simulated latency of each fetch, in milliseconds. */
	public long latencyMs() {
		return this.latencyMs.get();
	}

	/** From now on every fetch fails with {@link UpstreamUnavailableException}. */
	public void fail() {
		this.failing.set(true);
	}

	/** From now on fetches succeed again. */
	public void recover() {
		this.failing.set(false);
	}

	/** Sets the simulated latency of later fetches. */
	public void latencyMs(long millis) {
		this.latencyMs.set(requireNotNegative(millis));
	}

	private static long requireNotNegative(long millis) {
		if (millis < 0) {
			throw new IllegalArgumentException("Upstream latency must not be negative, was " + millis + " ms");
		}
		return millis;
	}

}
