package dev.swr.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Runs background refreshes with bounded concurrency, a bounded queue and a hard timeout per load.
 * One scheduler serves every cache of an engine, so {@code max-concurrent} bounds the load the
 * whole application puts on its sources.
 * <p>
 * A refresh that finds every slot taken and the queue full is refused, and its cache counts it as
 * {@link SkipReason#SATURATED}. A refresh that runs past its timeout has its thread interrupted and
 * its slot released at once, so a source that hangs cannot take the pool with it. Slots are counted
 * here rather than by the executor's own bounds, which is why an executor of the application's can
 * be used as it is.
 * <p>
 * Hand-written rather than a {@link ThreadPoolExecutor} with a bounded queue: that would bound
 * threads, not running loads, and a load that ignores its interrupt would keep its slot.
 */
public final class RefreshScheduler implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(RefreshScheduler.class.getName());

	private final int maxConcurrent;

	private final @Nullable Queue<Task> queue;

	private final Executor executor;

	private final @Nullable ExecutorService ownExecutor;

	private final TimeoutTimer timer;

	private final boolean ownTimer;

	private final AtomicInteger running = new AtomicInteger();

	private final Set<Task> runningTasks = ConcurrentHashMap.newKeySet();

	/** Tasks holding a slot, handed to the executor, not started yet. */
	private final Set<Task> dispatchedTasks = ConcurrentHashMap.newKeySet();

	private final Object idle = new Object();

	private volatile boolean closed;

	/**
	 * A scheduler on the given executor, or on its own daemon threads ({@code swr-refresh-N}) when
	 * {@code executor} is null.
	 * @param maxConcurrent how many refreshes may run at once
	 * @param queueCapacity how many may wait for a slot; zero refuses any that find no slot
	 * @param executor where refreshes run, or {@code null} for threads of the scheduler's own
	 * @throws IllegalArgumentException if a bound is out of range, naming it
	 */
	public RefreshScheduler(int maxConcurrent, int queueCapacity, @Nullable Executor executor) {
		this(maxConcurrent, queueCapacity, executor, null);
	}

	RefreshScheduler(int maxConcurrent, int queueCapacity, @Nullable Executor executor, @Nullable TimeoutTimer timer) {
		if (maxConcurrent < 1) {
			throw new IllegalArgumentException("'refresh.max-concurrent' must be at least 1 but was " + maxConcurrent);
		}
		if (queueCapacity < 0) {
			throw new IllegalArgumentException("'refresh.queue-capacity' must not be negative but was " + queueCapacity);
		}
		this.maxConcurrent = maxConcurrent;
		this.queue = (queueCapacity > 0) ? new ArrayBlockingQueue<>(queueCapacity) : null;
		if (executor != null) {
			this.executor = executor;
			this.ownExecutor = null;
		}
		else {
			// Unbounded threads on purpose: slots bound the running loads, and a timed-out load that
			// ignores its interrupt must not stop the next refresh from getting a thread.
			ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
					new SynchronousQueue<>(), daemonThreads("swr-refresh-"));
			this.executor = pool;
			this.ownExecutor = pool;
		}
		this.ownTimer = (timer == null);
		this.timer = (timer != null) ? timer : new ScheduledTimeoutTimer();
	}

	/** How many refreshes are running now (a gauge for the metrics layer). */
	public int activeCount() {
		return this.running.get();
	}

	/** How many refreshes wait for a slot. */
	public int queuedCount() {
		return (this.queue != null) ? this.queue.size() : 0;
	}

	/** The most refreshes that run at once. */
	public int maxConcurrent() {
		return this.maxConcurrent;
	}

	/** Whether {@link #close} was called. */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Runs {@code task} now if a slot is free, later if the queue has room.
	 * @return {@code false} when the task was refused: saturated, or closed
	 */
	boolean submit(Task task) {
		if (this.closed) {
			return false;
		}
		if (tryAcquireSlot()) {
			return dispatch(task);
		}
		if (this.queue != null && this.queue.offer(task)) {
			// A slot may have been released between our attempt and the offer.
			drainQueue();
			return true;
		}
		return false;
	}

	/** Runs {@code action} on the timer's thread after {@code delayNanos}; the returned action cancels it. */
	Runnable schedule(Runnable action, long delayNanos) {
		return this.timer.schedule(action, delayNanos);
	}

	private boolean tryAcquireSlot() {
		for (;;) {
			int current = this.running.get();
			if (current >= this.maxConcurrent) {
				return false;
			}
			if (this.running.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	/** Runs {@code task} in a slot already acquired; gives the slot back when the executor refuses. */
	private boolean dispatch(Task task) {
		this.dispatchedTasks.add(task);
		try {
			this.executor.execute(() -> runInSlot(task));
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.dispatchedTasks.remove(task);
			releaseSlot();
			return false;
		}
	}

	private void runInSlot(Task task) {
		this.dispatchedTasks.remove(task);
		if (this.closed) {
			abandonInSlot(task);
		}
		if (!task.begin(Thread.currentThread())) {
			// Abandoned by close(), which gave its slot back.
			return;
		}
		this.runningTasks.add(task);
		Runnable cancelTimeout = this.timer.schedule(() -> timeOut(task), task.timeoutNanos());
		try {
			task.run();
		}
		catch (Throwable ex) {
			logger.log(System.Logger.Level.ERROR, "Refresh task failed unexpectedly", ex);
		}
		finally {
			cancelTimeout.run();
			this.runningTasks.remove(task);
			if (task.claim()) {
				releaseSlot();
			}
			else {
				// The timer won: it interrupted this thread and released the slot already.
				Thread.interrupted();
			}
		}
	}

	/** Abandons a task that holds a slot but has not started, and gives the slot back. */
	private void abandonInSlot(Task task) {
		if (task.abandon()) {
			releaseSlot();
		}
	}

	private void timeOut(Task task) {
		if (task.expire()) {
			releaseSlot();
			task.timedOut();
		}
	}

	private void releaseSlot() {
		this.running.decrementAndGet();
		drainQueue();
		if (this.closed) {
			synchronized (this.idle) {
				this.idle.notifyAll();
			}
		}
	}

	private void drainQueue() {
		Queue<Task> waiting = this.queue;
		while (waiting != null && !waiting.isEmpty() && !this.closed) {
			if (!tryAcquireSlot()) {
				return;
			}
			Task next = waiting.poll();
			if (next == null) {
				this.running.decrementAndGet();
				continue;
			}
			if (!dispatch(next)) {
				next.abandon();
			}
		}
	}

	/** Closes with a ten-second grace period; see {@link #close(Duration)}. */
	@Override
	public void close() {
		close(Duration.ofSeconds(10));
	}

	/**
	 * Stops taking refreshes, abandons queued ones, lets running ones finish within {@code timeout},
	 * then interrupts those still running (counted as timeouts) and stops the scheduler's own threads.
	 * @param timeout the grace period for running refreshes
	 * @return {@code true} when every refresh ended and every own thread stopped in time
	 */
	public boolean close(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		this.closed = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		if (this.queue != null) {
			Task queued;
			while ((queued = this.queue.poll()) != null) {
				queued.abandon();
			}
		}
		// Handed to an executor that has not started them yet (it may have a backlog of its own):
		// like queued ones, they are not waited for and never start.
		for (Task task : this.dispatchedTasks) {
			this.dispatchedTasks.remove(task);
			abandonInSlot(task);
		}
		awaitIdle(deadline);
		for (Task task : this.runningTasks) {
			timeOut(task);
		}
		boolean stopped = awaitIdle(deadline + TimeUnit.MILLISECONDS.toNanos(100));
		if (this.ownTimer) {
			this.timer.close();
		}
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
			try {
				long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
				stopped &= this.ownExecutor.awaitTermination(left, TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return stopped && this.running.get() == 0;
	}

	private boolean awaitIdle(long deadline) {
		synchronized (this.idle) {
			while (this.running.get() > 0) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.idle, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return true;
		}
	}

	static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * One background load. Its state moves once from waiting to running, and once from running to
	 * either done (the load claimed its result) or timed out (the timer interrupted it); the two
	 * endings exclude each other, so a late result is never written after a timeout.
	 */
	abstract static class Task {

		private static final int WAITING = 0;

		private static final int RUNNING = 1;

		private static final int DONE = 2;

		private static final int TIMED_OUT = 3;

		private static final int ABANDONED = 4;

		private int state = WAITING;

		private @Nullable Thread runner;

		/** Runs the load; calls {@link #claim()} before it publishes a result. */
		abstract void run();

		/** The hard limit on {@link #run()}. */
		abstract long timeoutNanos();

		/** Called once, on the timer's thread, after the load was interrupted for running too long. */
		abstract void timedOut();

		/** Called once when the task will never run (refused by the executor, or the scheduler closed). */
		abstract void abandoned();

		final synchronized boolean begin(Thread thread) {
			if (this.state != WAITING) {
				return false;
			}
			this.state = RUNNING;
			this.runner = thread;
			return true;
		}

		/** Ends the task as done; {@code false} if it timed out first. */
		final synchronized boolean claim() {
			if (this.state == RUNNING) {
				this.state = DONE;
				this.runner = null;
				return true;
			}
			return this.state == DONE;
		}

		final synchronized boolean expire() {
			if (this.state != RUNNING) {
				return false;
			}
			this.state = TIMED_OUT;
			Thread thread = this.runner;
			this.runner = null;
			if (thread != null) {
				thread.interrupt();
			}
			return true;
		}

		/** Ends a task that never started; {@code false} if it had started or ended already. */
		final boolean abandon() {
			synchronized (this) {
				if (this.state != WAITING) {
					return false;
				}
				this.state = ABANDONED;
			}
			abandoned();
			return true;
		}

	}

	/** Schedules the timeout of a running load; the returned action cancels it. */
	interface TimeoutTimer {

		Runnable schedule(Runnable action, long delayNanos);

		void close();

	}

	/** The default timer: one daemon thread, cancelled timeouts removed at once. */
	private static final class ScheduledTimeoutTimer implements TimeoutTimer {

		private final ScheduledThreadPoolExecutor executor;

		ScheduledTimeoutTimer() {
			this.executor = new ScheduledThreadPoolExecutor(1, daemonThreads("swr-refresh-timeout-"));
			this.executor.setRemoveOnCancelPolicy(true);
		}

		@Override
		public Runnable schedule(Runnable action, long delayNanos) {
			try {
				ScheduledFuture<?> future = this.executor.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
				return () -> future.cancel(false);
			}
			catch (RejectedExecutionException ex) {
				// Closing: the grace period in close() bounds the load instead.
				return () -> {
				};
			}
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
			try {
				this.executor.awaitTermination(1, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
