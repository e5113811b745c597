package dev.swr.core;

import java.time.InstantSource;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of one cache's workings, for diagnostics (the Actuator endpoint, health, meters)
 * and adapters: what the cache is made of and how it is doing, without a way to change it. Obtain
 * one from {@link SwrCache#inspect()}; it is live, not a snapshot.
 */
public interface SwrInspection {

	/** A short name of the kind of store, such as {@code memory}, {@code redis} or {@code tiered}. */
	String storeKind();

	/** The approximate number of entries, or {@code -1} when the store cannot tell cheaply. */
	long estimatedSize();

	/** Whether the store's reads may wait on I/O (a remote store): asynchronous callers then read it asynchronously. */
	boolean storeBlocksOnRead();

	/** Whether the store answers now; quick, never throws. */
	boolean isStoreReachable();

	/** The clock the cache reads to age its entries. */
	InstantSource clock();

	/**
	 * The breaker guarding all of the cache's loads, or {@code null} if it has none or one per key
	 * (see {@link #circuitBreakerFor}).
	 */
	@Nullable CircuitBreaker circuitBreaker();

	/** The breaker guarding loads of {@code key}, or {@code null} if loads are not guarded. */
	@Nullable CircuitBreaker circuitBreakerFor(Object key);

	/** How many loads of the cache run now: cold loads and refreshes. */
	int loadsInFlight();

	/**
	 * How many cold loads of the cache hold one of its {@code max-concurrent-misses} permits now,
	 * including loads past their timeout whose loader has not returned yet.
	 */
	int missesInFlight();

}
