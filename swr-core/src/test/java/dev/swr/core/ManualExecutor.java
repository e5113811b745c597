package dev.swr.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** An executor that holds tasks until a test runs them, on the test's thread. */
final class ManualExecutor implements Executor {

	private final Deque<Runnable> tasks = new ArrayDeque<>();

	@Override
	public synchronized void execute(Runnable command) {
		this.tasks.add(command);
	}

	synchronized int pending() {
		return this.tasks.size();
	}

	/** Runs queued tasks, including any they queue, until none is left; returns how many ran. */
	int runAll() {
		int ran = 0;
		Runnable next;
		while ((next = poll()) != null) {
			next.run();
			ran++;
		}
		return ran;
	}

	private synchronized Runnable poll() {
		return this.tasks.poll();
	}

}
