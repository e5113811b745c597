package dev.swr.core;

import java.util.Locale;

/**
 * Why a due load was not started. For a refresh the entry is still served; for a miss refused by
 * an open breaker the caller gets {@link SwrCircuitOpenException}.
 */
public enum SkipReason {

	/** A load of the same key is already running; its result will serve this read's successors. */
	IN_FLIGHT,

	/** The refresh pool and its queue are full. */
	SATURATED,

	/** The key's last refresh failed and its backoff pause has not passed. */
	BACKOFF,

	/** The cache's circuit breaker is open. */
	CIRCUIT_OPEN,

	/** Another instance holds the key's refresh lease (shared stores only). */
	LEASE_HELD,

	/**
	 * The load ran, but by the time it wrote, its lease had lapsed or been taken over, or a write or
	 * evict not under the lease had come in (shared stores only): the store refused the write so as
	 * not to replace something newer. The load's waiters got its value; nothing was stored.
	 */
	LEASE_LOST;

	/** The lower-case name used as a metric tag. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
