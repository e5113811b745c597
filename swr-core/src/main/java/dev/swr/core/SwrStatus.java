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

	/** What {@link #worstFreshUntil()} answers when no read of the worst status served a cached entry. */
	public static final long UNKNOWN_FRESH_UNTIL = Long.MAX_VALUE;

	/** Per thread: the last status and the worst since {@link #resetTracking()}; one holder per thread. */
	private static final ThreadLocal<Tracked> TRACKED = ThreadLocal.withInitial(Tracked::new);

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
		return TRACKED.get().last;
	}

	/** The most degraded status of the reads on this thread since {@link #resetTracking()}, or {@code null}. */
	public static @Nullable SwrStatus worst() {
		return TRACKED.get().worst;
	}

	/**
	 * The end of the fresh window (epoch millis) of the entry served by the reads of the
	 * {@link #worst()} status on this thread, the earliest when several: what a
	 * {@code Cache-Status} header's {@code ttl} is computed from. {@link #UNKNOWN_FRESH_UNTIL} when
	 * those reads served no cached entry (a {@code MISS}) or nothing was tracked.
	 */
	public static long worstFreshUntil() {
		return TRACKED.get().freshUntil;
	}

	/** Forgets the statuses tracked on this thread, as at the start of a request. */
	public static void resetTracking() {
		Tracked tracked = TRACKED.get();
		tracked.last = null;
		tracked.worst = null;
		tracked.freshUntil = UNKNOWN_FRESH_UNTIL;
	}

	/** Tracks a read that served no cached entry (a load's value). */
	static void track(SwrStatus status) {
		track(status, UNKNOWN_FRESH_UNTIL);
	}

	/**
	 * Tracks a read with {@code status} that found {@code served}: its fresh window counts unless
	 * the status says a load's value was served instead ({@code MISS}), or there was no entry.
	 */
	static void track(SwrStatus status, @Nullable SwrEntry<?> served) {
		track(status, (served != null && status != MISS) ? served.freshUntil() : UNKNOWN_FRESH_UNTIL);
	}

	/** Tracks a read that served an entry whose fresh window ends at {@code freshUntil}. */
	static void track(SwrStatus status, long freshUntil) {
		Tracked tracked = TRACKED.get();
		// Written only when changed: on a run of hits of one entry nothing is stored, so the little
		// per-thread holders, which the collector may place side by side, never share a written line.
		if (tracked.last != status) {
			tracked.last = status;
		}
		SwrStatus worst = tracked.worst;
		if (worst == null || status.severity > worst.severity) {
			tracked.worst = status;
			tracked.freshUntil = freshUntil;
		}
		else if (status == worst && freshUntil < tracked.freshUntil) {
			tracked.freshUntil = freshUntil;
		}
	}

	/** One thread's tracked reads. */
	private static final class Tracked {

		@Nullable SwrStatus last;

		@Nullable SwrStatus worst;

		long freshUntil = UNKNOWN_FRESH_UNTIL;

	}

	/** The more degraded of this status and {@code other}; a {@code null} other is ignored. */
	public SwrStatus worse(@Nullable SwrStatus other) {
		return (other != null && other.severity > this.severity) ? other : this;
	}

}
