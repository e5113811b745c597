package dev.swr.core;

import java.util.Locale;

/** Why a load ran. */
public enum LoadTrigger {

	/** A caller found no usable entry and loaded on its own thread. */
	MISS,

	/** A stale entry was refreshed in the background. */
	REFRESH,

	/** An expired entry was refreshed in the background while its reader waited. */
	EXPIRED;

	/** The lower-case name used as a metric tag. */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}
