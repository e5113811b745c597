package dev.swr.core;

import java.util.concurrent.Callable;

/**
 * Carries the calling thread's context (an MDC, the current trace, any thread-local an application
 * registers) to the work the engine does for it on another thread: a background refresh, a cold
 * load on the load pool, the continuation of an asynchronous load. {@link #capture} runs on the
 * calling thread when the work is scheduled; {@link Captured#call} runs the work on the worker
 * with what was captured in place, and clears it afterwards, so nothing leaks into the worker's
 * next task.
 */
@FunctionalInterface
public interface SwrContextCapture {

	/** Captures nothing: work runs with the worker's own context. */
	SwrContextCapture NONE = () -> Callable::call;

	/**
	 * Captures the calling thread's context.
	 * @return what runs work in it, on any thread, any number of times
	 */
	Captured capture();

	/** A captured context. */
	@FunctionalInterface
	interface Captured {

		/**
		 * Runs {@code task} on this thread with the captured context in place, then restores what
		 * the thread had.
		 * @param task the work
		 * @param <T> its result type
		 * @return what {@code task} returned
		 * @throws Exception what {@code task} threw
		 */
		<T> T call(Callable<T> task) throws Exception;

	}

}
