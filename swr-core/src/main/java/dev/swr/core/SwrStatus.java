package dev.swr.core;

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

	/** The more degraded of this status and {@code other}; a {@code null} other is ignored. */
	public SwrStatus worse(SwrStatus other) {
		return (other != null && other.severity > this.severity) ? other : this;
	}

}
