package dev.swr.spring.metrics;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.swr.core.LoadOutcome;
import dev.swr.core.LoadTrigger;
import dev.swr.core.RefreshScheduler;
import dev.swr.core.SkipReason;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrLoadListener;
import dev.swr.core.SwrStats;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrStoreException;
import dev.swr.spring.cache.SwrCacheManager;

/**
 * The {@code swr.*} meters of a {@link SwrCacheManager}'s caches:
 * <ul>
 * <li>{@code swr.gets{cache,status}}, {@code swr.refreshes.skipped{cache,reason}} and
 * {@code swr.store.errors{cache,operation,reason}}: function counters over the engine's own
 * {@code LongAdder}s, so the hot path only increments them;</li>
 * <li>{@code swr.loads{cache,trigger,outcome}}: a timer recorded by this listener, each timer
 * resolved once per cache, trigger and outcome; plain timers, so Boot's
 * {@code management.metrics.distribution.*} adds percentiles and histograms;</li>
 * <li>{@code swr.refreshes.active}: a gauge of the refreshes running now;</li>
 * <li>{@code swr.size{cache}}: a gauge of the entries, for stores that can tell.</li>
 * </ul>
 * Caches are created on first use; each one's meters are bound when it is created. Loads that end
 * before {@link #bindTo} are not timed (they are still counted by the engine).
 */
public class SwrMetrics implements MeterBinder, SwrLoadListener {

	private static final SwrStatus[] STATUSES = SwrStatus.values();

	private static final LoadTrigger[] TRIGGERS = LoadTrigger.values();

	private static final LoadOutcome[] OUTCOMES = LoadOutcome.values();

	private final Supplier<SwrCacheManager> cacheManager;

	private final ConcurrentMap<String, Timer[]> timers = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Meters of the caches of the manager {@code cacheManager} supplies; it is asked for it only in
	 * {@link #bindTo}, so this listener can be handed to the engine the manager is built on.
	 * @param cacheManager supplies the manager whose caches to meter
	 */
	public SwrMetrics(Supplier<SwrCacheManager> cacheManager) {
		this.cacheManager = Objects.requireNonNull(cacheManager, "cacheManager");
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		SwrCacheManager manager = this.cacheManager.get();
		RefreshScheduler scheduler = manager.getEngine().refreshScheduler();
		Gauge.builder("swr.refreshes.active", scheduler, RefreshScheduler::activeCount)
			.description("Background refreshes running now, over all caches")
			.register(registry);
		Gauge.builder("swr.refreshes.stuck", scheduler, RefreshScheduler::stuckCount)
			.description("Loads (refreshes and cold loads) past refresh-timeout whose loader has not returned;"
					+ " each holds its thread and its slot or permit")
			.register(registry);
		manager.addCacheListener((cache) -> bindCache(cache.getNativeCache(), registry));
	}

	/** Binds the counters and gauges of one cache. */
	static void bindCache(SwrCache<?, ?> cache, MeterRegistry registry) {
		String name = cache.name();
		SwrStats stats = cache.stats();
		for (SwrStatus status : STATUSES) {
			FunctionCounter.builder("swr.gets", stats, (s) -> s.gets(status))
				.description("Reads by how they were answered")
				.tags("cache", name, "status", status.tag())
				.register(registry);
		}
		for (SkipReason reason : SkipReason.values()) {
			FunctionCounter.builder("swr.refreshes.skipped", stats, (s) -> s.skips(reason))
				.description("Due loads that were not started, by reason")
				.tags("cache", name, "reason", reason.tag())
				.register(registry);
		}
		for (SwrStoreException.Operation operation : SwrStoreException.Operation.values()) {
			for (SwrStoreException.Reason reason : SwrStoreException.Reason.values()) {
				FunctionCounter.builder("swr.store.errors", stats, (s) -> s.storeErrors(operation, reason))
					.description("Store failures, treated as misses (reads) or dropped (writes)")
					.tags("cache", name, "operation", operation.tag(), "reason", reason.tag())
					.register(registry);
			}
		}
		FunctionCounter.builder("swr.misses.refused", stats, SwrStats::missesRejected)
			.description("Cold reads answered with an exception instead of a value: rejected at once"
					+ " (max-concurrent-misses) or waited out (miss-timeout)")
			.tags("cache", name, "reason", "rejected")
			.register(registry);
		FunctionCounter.builder("swr.misses.refused", stats, SwrStats::missesTimedOut)
			.description("Cold reads answered with an exception instead of a value: rejected at once"
					+ " (max-concurrent-misses) or waited out (miss-timeout)")
			.tags("cache", name, "reason", "timeout")
			.register(registry);
		Gauge.builder("swr.misses.active", cache, (c) -> c.inspect().missesInFlight())
			.description("Cold loads holding one of the cache's max-concurrent-misses permits")
			.tags("cache", name)
			.register(registry);
		if (cache.inspect().estimatedSize() >= 0) {
			Gauge.builder("swr.size", cache, (c) -> c.inspect().estimatedSize())
				.description("Approximate number of entries")
				.tags("cache", name)
				.register(registry);
		}
	}

	@Override
	public void onLoad(String cache, Object key, LoadTrigger trigger, LoadOutcome outcome, long nanos) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		Timer[] perCache = this.timers.get(cache);
		if (perCache == null) {
			perCache = this.timers.computeIfAbsent(cache, (name) -> new Timer[TRIGGERS.length * OUTCOMES.length]);
		}
		int index = trigger.ordinal() * OUTCOMES.length + outcome.ordinal();
		Timer timer = perCache[index];
		if (timer == null) {
			// Racing threads register the same meter: the registry hands both the one instance.
			timer = Timer.builder("swr.loads")
				.description("Loads from the source, by what started them and how they ended")
				.tags("cache", cache, "trigger", trigger.tag(), "outcome", outcome.tag())
				.register(registry);
			perCache[index] = timer;
		}
		timer.record(nanos, TimeUnit.NANOSECONDS);
	}

}
