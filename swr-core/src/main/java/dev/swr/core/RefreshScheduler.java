package dev.swr.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Runs an engine's loads off the callers' threads: background refreshes, with bounded concurrency
 * and a bounded queue, and cold loads that callers wait for under {@code miss-timeout}. Every load
 * runs under {@code refresh-timeout}; past it the load's waiters are answered, its thread is
 * interrupted and, until the loader returns, counted as {@linkplain #stuckCount() stuck}.
 * <p>
 * Refreshes: a refresh holds one of {@code max-concurrent} slots from the moment it is handed to
 * the executor until its loader returns — past its timeout too — so a loader that ignores its
 * interrupt keeps its slot and the threads used for refreshes never exceed {@code max-concurrent}.
 * A refresh that finds no slot waits in a queue of {@code queue-capacity}; one that finds the queue
 * full is refused ({@link SkipReason#SATURATED}). This is the bounded-executor shape (a counted
 * admission in front of any {@link Executor}), so an application's own executor can be used; the
 * default is a fixed pool of {@code max-concurrent} daemon threads.
 * <p>
 * Cold loads run on a pool of their own whose threads are bounded by each cache's
 * {@code max-concurrent-misses}: a cold load holds its cache's permit until its loader returns.
 */
public final class RefreshScheduler implements AutoCloseable {

	/** Continuations waiting for an async thread; past it they run on the thread that completed the read. */
	private static final int ASYNC_QUEUE_CAPACITY = 10_000;

	private final int maxConcurrent;

	private final @Nullable Queue<TimedLoad<?>> queue;

	private final Executor executor;

	private final @Nullable ExecutorService ownExecutor;

	private final ExecutorService missPool;

	/** Where asynchronous reads go on once a remote store answered: short, non-blocking steps. */
	private final ThreadPoolExecutor asyncPool;

	private final TimeoutTimer timer;

	private final boolean ownTimer;

	/** Refresh slots taken: dispatched to the executor, or running. */
	private final AtomicInteger slots = new AtomicInteger();

	/** Loads past their timeout whose loader has not returned yet. */
	private final AtomicInteger stuck = new AtomicInteger();

	/** Loads running a loader now, refreshes and cold loads. */
	private final Set<TimedLoad<?>> live = ConcurrentHashMap.newKeySet();

	/** Refreshes handed to the executor that have not started yet, with their slot. */
	private final Set<Dispatched> dispatched = ConcurrentHashMap.newKeySet();

	private final Object idle = new Object();

	private volatile boolean closed;

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
			// At most max-concurrent refreshes are handed over at a time, so the queue holds no more than
			// that: it only bridges the moment between a slot's release and its thread's return to the pool.
			ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrent, maxConcurrent, 30, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), daemonThreads("swr-refresh-"));
			pool.allowCoreThreadTimeOut(true);
			this.executor = pool;
			this.ownExecutor = pool;
		}
		// Unbounded here because each cache's bulkhead bounds it: a cold load holds its cache's
		// permit until its loader returns, and nothing waits in this pool's (synchronous) queue.
		this.missPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				daemonThreads("swr-load-"));
		int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
		this.asyncPool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(ASYNC_QUEUE_CAPACITY), daemonThreads("swr-async-"));
		this.asyncPool.allowCoreThreadTimeOut(true);
		this.ownTimer = (timer == null);
		this.timer = (timer != null) ? timer : new ScheduledTimeoutTimer();
	}

	/** How many refreshes hold a slot now: running, or handed to the executor (a gauge). */
	public int activeCount() {
		return this.slots.get();
	}

	/** How many refreshes wait for a slot. */
	public int queuedCount() {
		return (this.queue != null) ? this.queue.size() : 0;
	}

	/**
	 * How many loads, refreshes or cold loads, run past their {@code refresh-timeout}: their waiters
	 * were answered and their thread interrupted, but the loader has not returned (a gauge).
	 */
	public int stuckCount() {
		return this.stuck.get();
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
	 * Runs {@code task} as a refresh: now if a slot is free, later if the queue has room.
	 * @return {@code false} when refused (saturated, or closed); the caller abandons the task
	 */
	boolean submit(TimedLoad<?> task) {
		if (this.closed) {
			return false;
		}
		if (tryAcquireSlot()) {
			return dispatch(task);
		}
		if (this.queue != null && this.queue.offer(task)) {
			if (this.closed && this.queue.remove(task)) {
				// close() drained the queue before our offer landed: nothing would ever run it.
				return false;
			}
			// A slot may have been released between our attempt and the offer.
			drainQueue();
			return true;
		}
		return false;
	}

	/**
	 * Runs {@code task} as a cold load on the load pool.
	 * @return {@code false} when the pool is closed; the caller runs the load itself
	 */
	boolean execute(TimedLoad<?> task) {
		if (this.closed) {
			return false;
		}
		try {
			this.missPool.execute(() -> task.run(this));
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * Where an asynchronous read goes on once a remote store answered: off the store client's I/O
	 * thread, which must not run an application's loader, on a small pool of {@code swr-async-}
	 * threads ({@code max(2, cores)}, a queue of 10,000; beyond it, or once closed, the task runs
	 * on the calling thread). The steps run there do not block.
	 */
	void continueOffLoop(Runnable task) {
		try {
			this.asyncPool.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	/**
	 * Runs {@code task} on the load pool: where an asynchronous loader is called (it may block before
	 * it returns its future) and where its load lands (counts, writes the store, which may block up
	 * to the store's timeout, answers its waiters); at most one of each per cold-load permit. Once
	 * closed, the task runs on the calling thread.
	 */
	void onLoadPool(Runnable task) {
		try {
			this.missPool.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	/** Runs {@code action} on the timer's thread after {@code delayNanos}; the returned action cancels it. */
	Runnable schedule(Runnable action, long delayNanos) {
		return this.timer.schedule(action, delayNanos);
	}

	void started(TimedLoad<?> task) {
		this.live.add(task);
	}

	void stuck(TimedLoad<?> task) {
		this.stuck.incrementAndGet();
	}

	void ended(TimedLoad<?> task, boolean wasStuck) {
		if (wasStuck) {
			this.stuck.decrementAndGet();
		}
		this.live.remove(task);
		wakeClose();
	}

	private boolean tryAcquireSlot() {
		for (;;) {
			int current = this.slots.get();
			if (current >= this.maxConcurrent) {
				return false;
			}
			if (this.slots.compareAndSet(current, current + 1)) {
				return true;
			}
		}
	}

	/** Hands {@code task} to the executor in a slot already taken; gives the slot back when refused. */
	private boolean dispatch(TimedLoad<?> task) {
		Dispatched handed = new Dispatched(task);
		this.dispatched.add(handed);
		try {
			this.executor.execute(() -> runInSlot(handed));
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.dispatched.remove(handed);
			handed.releaseSlot();
			return false;
		}
	}

	private void runInSlot(Dispatched handed) {
		this.dispatched.remove(handed);
		try {
			if (this.closed) {
				handed.task.abandon();
			}
			else {
				handed.task.run(this);
			}
		}
		finally {
			handed.releaseSlot();
		}
	}

	private void releaseSlot() {
		this.slots.decrementAndGet();
		drainQueue();
		wakeClose();
	}

	private void wakeClose() {
		if (this.closed) {
			synchronized (this.idle) {
				this.idle.notifyAll();
			}
		}
	}

	private void drainQueue() {
		Queue<TimedLoad<?>> waiting = this.queue;
		while (waiting != null && !waiting.isEmpty() && !this.closed) {
			if (!tryAcquireSlot()) {
				return;
			}
			TimedLoad<?> next = waiting.poll();
			if (next == null) {
				this.slots.decrementAndGet();
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
	 * Stops taking loads, abandons queued refreshes, lets running loads finish within
	 * {@code timeout}, then times out those still running (their threads are interrupted) and
	 * stops the scheduler's own threads.
	 * @param timeout the grace period for running loads
	 * @return {@code true} when every load ended and every own thread stopped in time
	 */
	public boolean close(Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		this.closed = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		if (this.queue != null) {
			TimedLoad<?> queued;
			while ((queued = this.queue.poll()) != null) {
				queued.abandon();
			}
		}
		// Handed to an executor that has not started them (it may have a backlog of its own): like
		// queued ones they never start, and their slots are given back now.
		for (Dispatched handed : this.dispatched) {
			this.dispatched.remove(handed);
			handed.task.abandon();
			handed.releaseSlot();
		}
		awaitIdle(deadline);
		for (TimedLoad<?> task : this.live) {
			task.timeOut(this);
		}
		boolean stopped = awaitIdle(deadline + TimeUnit.MILLISECONDS.toNanos(100));
		if (this.ownTimer) {
			this.timer.close();
		}
		this.missPool.shutdownNow();
		this.asyncPool.shutdownNow();
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
		}
		try {
			long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(100));
			stopped &= this.missPool.awaitTermination(left, TimeUnit.NANOSECONDS);
			if (this.ownExecutor != null) {
				stopped &= this.ownExecutor.awaitTermination(TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.NANOSECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		return stopped && this.slots.get() == 0;
	}

	private boolean awaitIdle(long deadline) {
		synchronized (this.idle) {
			while (this.slots.get() > 0 || !this.live.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.idle, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
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

	/** A refresh handed to the executor, and the slot it holds until it ends or is abandoned. */
	private final class Dispatched {

		final TimedLoad<?> task;

		private final AtomicBoolean holdsSlot = new AtomicBoolean(true);

		Dispatched(TimedLoad<?> task) {
			this.task = task;
		}

		void releaseSlot() {
			if (this.holdsSlot.compareAndSet(true, false)) {
				RefreshScheduler.this.releaseSlot();
			}
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
