package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * Watches each load of the source, for tracing: told on the thread that calls the source just
 * before it does (with the context the load was started in restored, see
 * {@link SwrContextCapture}), when that call returned or threw (same thread), and when the load's
 * outcome is known (any thread). A batch call is one load. A fresh hit is never observed.
 * Implementations must be quick and must not throw; the engine ignores what they throw.
 */
public interface SwrLoadObserver {

	/** Observes nothing. */
	SwrLoadObserver NONE = (cache, key, trigger) -> Observed.NONE;

	/**
	 * A load is about to call the source, on this thread.
	 * @param cache the cache's name
	 * @param key the key, or the list of keys of a batch call
	 * @param trigger why it loads
	 * @return what to tell the rest
	 */
	Observed starting(String cache, Object key, LoadTrigger trigger);

	/** One observed load. */
	interface Observed {

		/** Nothing to tell. */
		Observed NONE = new Observed() {

			@Override
			public void called() {
			}

			@Override
			public void ended(LoadOutcome outcome, @Nullable Throwable error) {
			}

		};

		/** The source returned or threw; on the thread that called it, so a scope it opened can close. */
		void called();

		/**
		 * The load's outcome, once, on any thread; after {@link #called()} except for a load given up
		 * at its refresh-timeout while the source still runs.
		 * @param outcome success, failure or timeout, as {@code swr.loads} counts it
		 * @param error what failed it, or {@code null}
		 */
		void ended(LoadOutcome outcome, @Nullable Throwable error);

	}

}
