package dev.swr.core;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * One load run on a pool thread under {@code refresh-timeout}. Past it, {@link #result} fails with
 * {@link Flight#TIMED_OUT} and the thread is interrupted; a value that arrives later is dropped.
 * The thread stays counted, as stuck, until the loader actually returns: a loader that ignores its
 * interrupt keeps its thread, so the pool cannot grow past its bound behind it.
 *
 * @param <T> what the load yields
 */
final class TimedLoad<T> {

	private static final int WAITING = 0;

	private static final int RUNNING = 1;

	private static final int DONE = 2;

	private static final int ABANDONED = 3;

	/** The load's outcome: completed once, by the load or by its timeout, whichever comes first. */
	final CompletableFuture<T> result = new CompletableFuture<>();

	private final Callable<T> body;

	private final long timeoutNanos;

	/** Runs once the task ends or is abandoned, whatever happened (releases a bulkhead permit). */
	private final Runnable onExit;

	private int state = WAITING;

	private Thread runner;

	private boolean timedOut;

	TimedLoad(Callable<T> body, long timeoutNanos, Runnable onExit) {
		this.body = body;
		this.timeoutNanos = timeoutNanos;
		this.onExit = onExit;
	}

	/** Runs the load on this thread, once; does nothing if the task was abandoned. */
	void run(RefreshScheduler scheduler) {
		synchronized (this) {
			if (this.state != WAITING) {
				return;
			}
			this.state = RUNNING;
			this.runner = Thread.currentThread();
		}
		scheduler.started(this);
		Runnable cancelTimeout = scheduler.schedule(() -> timeOut(scheduler), this.timeoutNanos);
		T value = null;
		Throwable failure = null;
		try {
			value = this.body.call();
		}
		catch (Throwable ex) {
			failure = ex;
		}
		cancelTimeout.run();
		boolean wasStuck;
		synchronized (this) {
			this.state = DONE;
			this.runner = null;
			wasStuck = this.timedOut;
		}
		try {
			if (wasStuck) {
				// The timeout's interrupt must not leak into the pool thread's next task.
				Thread.interrupted();
			}
		}
		finally {
			// Before the waiters are answered: a caller that goes on to its next load must find
			// this one's permit free.
			this.onExit.run();
			scheduler.ended(this, wasStuck);
		}
		if (!wasStuck) {
			if (failure == null) {
				this.result.complete(value);
			}
			else {
				this.result.completeExceptionally(failure);
			}
		}
	}

	/** Ends a running load that took too long: fails its result and interrupts its thread. */
	void timeOut(RefreshScheduler scheduler) {
		Thread thread;
		synchronized (this) {
			if (this.state != RUNNING || this.timedOut) {
				return;
			}
			this.timedOut = true;
			thread = this.runner;
		}
		scheduler.stuck(this);
		this.result.completeExceptionally(Flight.TIMED_OUT);
		thread.interrupt();
	}

	/** Ends a task that never started; {@code false} if it had started or ended already. */
	boolean abandon() {
		synchronized (this) {
			if (this.state != WAITING) {
				return false;
			}
			this.state = ABANDONED;
		}
		try {
			this.result.completeExceptionally(Flight.ABANDONED);
		}
		finally {
			this.onExit.run();
		}
		return true;
	}

}
