package dev.swr.core;

import java.util.Locale;

/** How a load ended. */
public enum LoadOutcome {

	/** The loader returned a value, which was written. */
	SUCCESS,

	/** The loader threw. (A load the circuit breaker refused never ran: it is a skip, {@link SkipReason#CIRCUIT_OPEN}.) */
	FAILURE,

	/** A background load ran past its refresh timeout and was abandoned. */
	TIMEOUT;

	/** The lower-case name used as a metric tag. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
