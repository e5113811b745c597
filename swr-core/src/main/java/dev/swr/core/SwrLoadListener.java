package dev.swr.core;

/**
 * Told of every load a cache makes, for the metrics layer. Called on the loading thread after the
 * outcome is known; it must be fast and must not throw (an exception is logged and ignored).
 */
@FunctionalInterface
public interface SwrLoadListener {

	/** A listener that does nothing. */
	SwrLoadListener NONE = (cache, key, trigger, outcome, nanos) -> {
	};

	/**
	 * A load ended.
	 * @param cache the cache name
	 * @param key the key
	 * @param trigger why the load ran
	 * @param outcome how it ended
	 * @param nanos how long it ran, in nanoseconds
	 */
	void onLoad(String cache, Object key, LoadTrigger trigger, LoadOutcome outcome, long nanos);

}
