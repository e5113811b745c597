package dev.swr.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * One load of one key that concurrent callers share. It is registered in a {@link SingleFlight} when
 * it starts and leaves it through {@link SingleFlight#settle}, which completes {@link #result} on
 * every path.
 *
 * @param <V> the value type
 */
final class Flight<V> {

	/** Ends a flight that never loaded (refused by the pool, or the lease is held elsewhere). */
	static final Throwable ABANDONED = new Signal("load abandoned");

	/** Ends a flight whose load ran past its refresh-timeout. */
	static final Throwable TIMED_OUT = new Signal("load timed out");

	/** The entry the load wrote (or would have written), or the reason it has none. */
	final CompletableFuture<SwrEntry<V>> result = new CompletableFuture<>();

	final LoadTrigger trigger;

	/** Whether a loaded value is written; {@code null} writes every value. */
	final @Nullable Predicate<? super V> storeIf;

	/** The tags a loaded value is written with; {@code null} for none. */
	final @Nullable SwrTagger<? super V> tagger;

	/** When the load was asked for (epoch millis): the written entry's {@code writtenAt}. */
	final long startedAt;

	/** How the load is observed, set once it calls the source; {@code null} until then (or if it never does). */
	volatile SwrLoadObserver.@Nullable Observed observed;

	/** Orders the load's write against {@link #supersede()}. */
	private final ReentrantLock lock = new ReentrantLock();

	/** Set, under the flight's lock, when an evict, put or clear made this load's result obsolete. */
	private boolean superseded;

	Flight(LoadTrigger trigger, @Nullable Predicate<? super V> storeIf, @Nullable SwrTagger<? super V> tagger,
			long startedAt) {
		this.trigger = trigger;
		this.storeIf = storeIf;
		this.tagger = tagger;
		this.startedAt = startedAt;
	}

	void supersede() {
		this.lock.lock();
		try {
			this.superseded = true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Taken by the writer of the load's result, so a supersede cannot slip in between check and write. */
	void lock() {
		this.lock.lock();
	}

	void unlock() {
		this.lock.unlock();
	}

	/** Read under the flight's lock by a writer that holds it, so a supersede cannot slip in between. */
	boolean isSuperseded() {
		return this.superseded;
	}

	/** Whether {@code failure} says the flight ended without asking the source (so a waiter may load anew). */
	static boolean neverLoaded(Throwable failure) {
		return failure == ABANDONED;
	}

	/** A private signal, never thrown to callers: no stack trace to fill. */
	private static final class Signal extends Exception {

		private static final long serialVersionUID = 1L;

		Signal(String message) {
			super(message, null, false, false);
		}

	}

}
