package dev.swr.core;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one cache. Recording only increments a {@link LongAdder} picked by an enum
 * ordinal, so the hot path neither allocates nor contends; readers take a {@link #snapshot()} or
 * read one counter (Micrometer function counters do the latter).
 */
public final class SwrStats {

	private static final SwrStatus[] STATUSES = SwrStatus.values();

	private static final LoadTrigger[] TRIGGERS = LoadTrigger.values();

	private static final LoadOutcome[] OUTCOMES = LoadOutcome.values();

	private static final SkipReason[] SKIP_REASONS = SkipReason.values();

	private static final SwrStoreException.Operation[] OPERATIONS = SwrStoreException.Operation.values();

	private static final SwrStoreException.Reason[] STORE_REASONS = SwrStoreException.Reason.values();

	private final LongAdder[] gets = adders(STATUSES.length);

	private final LongAdder[] loads = adders(TRIGGERS.length * OUTCOMES.length);

	private final LongAdder[] loadNanos = adders(TRIGGERS.length * OUTCOMES.length);

	private final LongAdder[] skips = adders(SKIP_REASONS.length);

	private final LongAdder[] storeErrors = adders(OPERATIONS.length * STORE_REASONS.length);

	private final LongAdder puts = new LongAdder();

	private final LongAdder evictions = new LongAdder();

	private final LongAdder missesRejected = new LongAdder();

	private final LongAdder missesTimedOut = new LongAdder();

	private static LongAdder[] adders(int count) {
		LongAdder[] adders = new LongAdder[count];
		for (int i = 0; i < count; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	void recordGet(SwrStatus status) {
		this.gets[status.ordinal()].increment();
	}

	void recordLoad(LoadTrigger trigger, LoadOutcome outcome, long nanos) {
		int index = trigger.ordinal() * OUTCOMES.length + outcome.ordinal();
		this.loads[index].increment();
		this.loadNanos[index].add(nanos);
	}

	void recordSkip(SkipReason reason) {
		this.skips[reason.ordinal()].increment();
	}

	void recordStoreError(SwrStoreException.Operation operation, SwrStoreException.Reason reason) {
		this.storeErrors[operation.ordinal() * STORE_REASONS.length + reason.ordinal()].increment();
	}

	void recordPut() {
		this.puts.increment();
	}

	void recordEviction() {
		this.evictions.increment();
	}

	void recordMissRejected() {
		this.missesRejected.increment();
	}

	void recordMissTimedOut() {
		this.missesTimedOut.increment();
	}

	/** Callers refused a cold load at once because {@code max-concurrent-misses} loads were running. */
	public long missesRejected() {
		return this.missesRejected.sum();
	}

	/** Callers that gave up waiting for a cold load after {@code miss-timeout} (the load went on). */
	public long missesTimedOut() {
		return this.missesTimedOut.sum();
	}

	/** Entries written to the store, by loads and by {@code put}. */
	public long puts() {
		return this.puts.sum();
	}

	/** Keys removed by {@code evict} (whether or not they were present); {@code clear} is not counted. */
	public long evictions() {
		return this.evictions.sum();
	}

	/** Reads answered with {@code status}. */
	public long gets(SwrStatus status) {
		return this.gets[status.ordinal()].sum();
	}

	/** Loads started by {@code trigger} that ended with {@code outcome}. */
	public long loads(LoadTrigger trigger, LoadOutcome outcome) {
		return this.loads[trigger.ordinal() * OUTCOMES.length + outcome.ordinal()].sum();
	}

	/** Total nanoseconds spent in loads started by {@code trigger} that ended with {@code outcome}. */
	public long loadNanos(LoadTrigger trigger, LoadOutcome outcome) {
		return this.loadNanos[trigger.ordinal() * OUTCOMES.length + outcome.ordinal()].sum();
	}

	/** Due refreshes that were not started, for {@code reason}. */
	public long skips(SkipReason reason) {
		return this.skips[reason.ordinal()].sum();
	}

	/** Store failures of {@code operation} for {@code reason}. */
	public long storeErrors(SwrStoreException.Operation operation, SwrStoreException.Reason reason) {
		return this.storeErrors[operation.ordinal() * STORE_REASONS.length + reason.ordinal()].sum();
	}

	/** Store failures of every operation and reason. */
	public long storeErrors() {
		long total = 0;
		for (LongAdder adder : this.storeErrors) {
			total += adder.sum();
		}
		return total;
	}

	/** A consistent-enough copy of every counter (each is read once; they are not frozen together). */
	public SwrStatsSnapshot snapshot() {
		long[] getCounts = new long[STATUSES.length];
		for (SwrStatus status : STATUSES) {
			getCounts[status.ordinal()] = gets(status);
		}
		long[] loadCounts = sums(this.loads);
		long[] skipCounts = sums(this.skips);
		long[] storeErrorCounts = sums(this.storeErrors);
		return SwrStatsSnapshot.of(getCounts, loadCounts, sums(this.loadNanos), skipCounts, storeErrorCounts);
	}

	private static long[] sums(LongAdder[] adders) {
		long[] sums = new long[adders.length];
		for (int i = 0; i < adders.length; i++) {
			sums[i] = adders[i].sum();
		}
		return sums;
	}

}
