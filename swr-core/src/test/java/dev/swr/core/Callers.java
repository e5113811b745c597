package dev.swr.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * Real threads for concurrency tests: they start together (a barrier), record what their action
 * returned or threw, and can be inspected for what they are parked on, so a test can wait until
 * every caller has really arrived where it should before it lets a load finish.
 */
final class Callers {

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicReferenceArray<Object> outcomes;

	private Callers(int count, Callable<?> action) {
		this.outcomes = new AtomicReferenceArray<>(count);
		CyclicBarrier start = new CyclicBarrier(count);
		for (int i = 0; i < count; i++) {
			int index = i;
			Thread thread = new Thread(() -> {
				try {
					start.await();
					this.outcomes.set(index, new Returned(action.call()));
				}
				catch (Throwable ex) {
					this.outcomes.set(index, new Threw(ex));
				}
			}, "caller-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
		this.threads.forEach(Thread::start);
	}

	/** Starts {@code count} threads that each run {@code action} once, all released together. */
	static Callers start(int count, Callable<?> action) {
		return new Callers(count, action);
	}

	List<Thread> threads() {
		return Collections.unmodifiableList(this.threads);
	}

	/** How many of the threads are parked on a synchronizer whose class name contains {@code fragment}. */
	long parkedOn(String fragment) {
		return this.threads.stream().filter((thread) -> isParkedOn(thread, fragment)).count();
	}

	/** How many of the threads are parked on a synchronizer matching one of {@code fragments}. */
	long parkedOnAnyOf(String... fragments) {
		return this.threads.stream().filter((thread) -> {
			for (String fragment : fragments) {
				if (isParkedOn(thread, fragment)) {
					return true;
				}
			}
			return false;
		}).count();
	}

	/** Waits for every thread to end and returns what each returned or threw, in start order. */
	List<Outcome> join(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Thread thread : this.threads) {
			long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
			thread.join(left);
			if (thread.isAlive()) {
				throw new AssertionError(thread.getName() + " did not end within " + timeout);
			}
		}
		List<Outcome> result = new ArrayList<>();
		for (int i = 0; i < this.outcomes.length(); i++) {
			result.add((Outcome) this.outcomes.get(i));
		}
		return result;
	}

	static boolean isParkedOn(Thread thread, String fragment) {
		Object blocker = LockSupport.getBlocker(thread);
		return blocker != null && blocker.getClass().getName().contains(fragment);
	}

	/** The live threads whose names start with {@code prefix}. */
	static Set<Thread> liveThreadsNamed(String prefix) {
		Set<Thread> live = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.isAlive() && thread.getName().startsWith(prefix)) {
				live.add(thread);
			}
		}
		return live;
	}

	/** The live threads named {@code prefix...} that are not in {@code before}. */
	static Set<Thread> newLiveThreadsNamed(String prefix, Set<Thread> before) {
		Set<Thread> live = liveThreadsNamed(prefix);
		live.removeIf(before::contains);
		return live;
	}

	static Predicate<Outcome> returned(Object value) {
		return (outcome) -> outcome instanceof Returned returned && java.util.Objects.equals(returned.value(), value);
	}

	/** What one thread's action did. */
	sealed interface Outcome permits Returned, Threw {

	}

	record Returned(Object value) implements Outcome {

	}

	record Threw(Throwable exception) implements Outcome {

	}

}
