package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * How a read was answered. The order of the constants is from least to most degraded, so the
 * worst status of several reads is the one with the highest {@link #severity()}.
 */
public enum SwrStatus {

	/** A fresh entry was served; no load was made. */
	HIT("hit", 0),

	/** The caller loaded the value (no usable entry, or an expired entry was refreshed in time). */
	MISS("miss", 1),

	/** A stale entry was served at once while one background refresh replaces it. */
	STALE("stale", 2),

	/** An expired entry was served because the refresh did not finish within {@code expired-wait}. */
	EXPIRED("expired", 3),

	/** An expired entry was served because the source failed, is backing off, or its breaker is open. */
	FALLBACK("fallback", 4);

	/** Per thread: the last status and the worst since {@link #resetTracking()}; one array per thread. */
	private static final ThreadLocal<SwrStatus[]> TRACKED = ThreadLocal.withInitial(() -> new SwrStatus[2]);

	private final String tag;

	private final int severity;

	SwrStatus(String tag, int severity) {
		this.tag = tag;
		this.severity = severity;
	}

	/** The lower-case name used as a metric tag and in the {@code X-Cache-Status} header. */
	public String tag() {
		return this.tag;
	}

	/** How degraded the answer is: {@code HIT} is 0, {@code FALLBACK} the highest. */
	public int severity() {
		return this.severity;
	}

	/**
	 * The status of the last read on this thread made with {@link SwrCache#getWithStatus} (which is
	 * what a {@code @StaleWhileRevalidate} method does), or {@code null} if there was none since
	 * {@link #resetTracking()}.
	 */
	public static @Nullable SwrStatus last() {
		return TRACKED.get()[0];
	}

	/** The most degraded status of the reads on this thread since {@link #resetTracking()}, or {@code null}. */
	public static @Nullable SwrStatus worst() {
		return TRACKED.get()[1];
	}

	/** Forgets the statuses tracked on this thread, as at the start of a request. */
	public static void resetTracking() {
		SwrStatus[] tracked = TRACKED.get();
		tracked[0] = null;
		tracked[1] = null;
	}

	static void track(SwrStatus status) {
		SwrStatus[] tracked = TRACKED.get();
		// Written only when changed: on a run of hits nothing is stored, so the little per-thread
		// arrays, which the collector may place side by side, never share a written cache line.
		if (tracked[0] != status) {
			tracked[0] = status;
		}
		SwrStatus worst = status.worse(tracked[1]);
		if (tracked[1] != worst) {
			tracked[1] = worst;
		}
	}

	/** The more degraded of this status and {@code other}; a {@code null} other is ignored. */
	public SwrStatus worse(@Nullable SwrStatus other) {
		return (other != null && other.severity > this.severity) ? other : this;
	}

}
