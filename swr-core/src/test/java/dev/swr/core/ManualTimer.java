package dev.swr.core;

import java.util.ArrayList;
import java.util.List;

/** A refresh timeout timer that fires only when a test says so. */
final class ManualTimer implements RefreshScheduler.TimeoutTimer {

	private final List<Runnable> scheduled = new ArrayList<>();

	@Override
	public synchronized Runnable schedule(Runnable action, long delayNanos) {
		this.scheduled.add(action);
		return () -> {
			synchronized (this) {
				this.scheduled.remove(action);
			}
		};
	}

	/** Fires every pending timeout; returns how many fired. */
	int fireAll() {
		List<Runnable> due;
		synchronized (this) {
			due = new ArrayList<>(this.scheduled);
			this.scheduled.clear();
		}
		due.forEach(Runnable::run);
		return due.size();
	}

	synchronized int pending() {
		return this.scheduled.size();
	}

	@Override
	public void close() {
	}

}
