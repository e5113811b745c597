package dev.swr.core;

/**
 * What an engine hands every one of its caches to tell of and carry its work: load counts, store
 * failures, load observations (tracing) and the callers' context.
 *
 * @param listener told of every load's outcome and duration
 * @param errorHandler told of every store failure
 * @param observer told of every load as it calls the source
 * @param capture carries a caller's context to the work done for it on other threads
 */
record EngineHooks(SwrLoadListener listener, SwrErrorHandler errorHandler, SwrLoadObserver observer,
		SwrContextCapture capture) {

}
