package dev.swr.core;

import java.util.Locale;

/** How a load ended. */
public enum LoadOutcome {

	/** The loader returned a value, which was written. */
	SUCCESS,

	/** The loader threw, or the circuit breaker refused it. */
	FAILURE,

	/** A background load ran past its refresh timeout and was abandoned. */
	TIMEOUT;

	/** The lower-case name used as a metric tag. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
