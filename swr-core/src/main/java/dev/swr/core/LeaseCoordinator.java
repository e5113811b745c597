package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * Coordinates one cache's loads with other instances through a {@link SharedStore}: a refresh
 * takes the key's lease so one instance at a time refreshes it, and with {@code lock-wait} a cold
 * load waits for the instance holding the lease to write the value. A store that cannot be asked
 * fails open: this instance proceeds as if it held the lease.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class LeaseCoordinator<K, V> {

	/** Stands for a lease this instance assumes it holds: no shared store, or it could not be asked. */
	static final String LOCAL = new String("local");

	private final @Nullable SharedStore<K, V> shared;

	private final GuardedStore<K, V> store;

	private final InstantSource clock;

	private final Duration ttl;

	/** An entry a tag eviction covers is not the value another instance is loading. */
	private final TagLedger tags;

	private final long lockWaitNanos;

	/** Between two reads of the store while another instance loads: lock-wait / 20, within 5–50 ms. */
	private final long pollPauseNanos;

	LeaseCoordinator(GuardedStore<K, V> store, InstantSource clock, Duration ttl, TagLedger tags) {
		this.store = store;
		this.tags = tags;
		this.shared = (store.store instanceof SharedStore<K, V> sharedStore) ? sharedStore : null;
		this.clock = clock;
		this.ttl = ttl;
		this.lockWaitNanos = (this.shared != null) ? this.shared.lockWait().toNanos() : 0;
		this.pollPauseNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(5),
				Math.min(this.lockWaitNanos / 20, TimeUnit.MILLISECONDS.toNanos(50)));
	}

	/** Whether the store is shared with other instances, which may write to it at any time. */
	boolean shared() {
		return this.shared != null;
	}

	/** Whether cold loads take the lease and wait for another instance's load ({@code lock-wait} set). */
	boolean coalescesMisses() {
		return this.lockWaitNanos > 0;
	}

	/** A lease token, {@code null} when another instance holds the lease, or {@link #LOCAL}. */
	@Nullable String tryLease(K key) {
		if (this.shared == null) {
			return LOCAL;
		}
		try {
			return this.shared.tryLease(key, this.ttl);
		}
		catch (RuntimeException ex) {
			// Fail open: an unreachable store must not stop this instance from loading.
			this.store.failed(key, SwrStoreException.Operation.LEASE, ex);
			return LOCAL;
		}
	}

	/** Whether a write under {@code lease} is fenced by it: a lease the shared store granted. */
	boolean fences(@Nullable String lease) {
		return lease != null && lease != LOCAL && this.shared != null;
	}

	/** Like {@link #tryLease}, without blocking: completes on the store client's thread, never exceptionally. */
	CompletableFuture<@Nullable String> tryLeaseAsync(K key) {
		if (this.shared == null) {
			return CompletableFuture.completedFuture(LOCAL);
		}
		CompletableFuture<@Nullable String> asking;
		try {
			asking = this.shared.tryLeaseAsync(key, this.ttl);
		}
		catch (RuntimeException ex) {
			asking = CompletableFuture.failedFuture(ex);
		}
		return asking.exceptionally((failure) -> {
			// Fail open, as tryLease does.
			this.store.failedAsync(key, SwrStoreException.Operation.LEASE, failure);
			return LOCAL;
		});
	}

	void release(K key, @Nullable String lease) {
		if (!fences(lease)) {
			return;
		}
		try {
			this.shared.releaseLease(key, lease);
		}
		catch (RuntimeException ex) {
			this.store.failed(key, SwrStoreException.Operation.LEASE, ex);
		}
	}

	/**
	 * Like {@link #awaitOtherInstance}, holding no thread: each poll is a timer task and an
	 * asynchronous read. Completes with the entry, or {@code null} once {@code lock-wait} has passed.
	 */
	CompletableFuture<@Nullable SwrEntry<V>> awaitOtherInstanceAsync(K key, RefreshScheduler scheduler) {
		CompletableFuture<@Nullable SwrEntry<V>> found = new CompletableFuture<>();
		pollLater(key, scheduler, System.nanoTime() + this.lockWaitNanos, found);
		return found;
	}

	private void pollLater(K key, RefreshScheduler scheduler, long deadline,
			CompletableFuture<@Nullable SwrEntry<V>> found) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			found.complete(null);
			return;
		}
		scheduler.schedule(() -> loadedElsewhereAsync(key).whenComplete((entry, failure) -> {
			if (entry != null) {
				found.complete(entry);
			}
			else {
				pollLater(key, scheduler, deadline, found);
			}
		}), Math.min(left, this.pollPauseNanos));
	}

	/** Polls the shared store for the entry another instance is loading, until {@code lock-wait} ends. */
	@Nullable SwrEntry<V> awaitOtherInstance(K key) {
		long deadline = System.nanoTime() + this.lockWaitNanos;
		while (System.nanoTime() < deadline) {
			LockSupport.parkNanos(this, this.pollPauseNanos);
			if (Thread.currentThread().isInterrupted()) {
				return null;
			}
			SwrEntry<V> entry = loadedElsewhere(key);
			if (entry != null) {
				return entry;
			}
		}
		return null;
	}

	/**
	 * A value of {@code key} the store holds now that a cold read can answer with: one another
	 * instance loaded, not yet expired, not covered by a tag eviction. Read once the lease is taken
	 * too, since the lease is free again as soon as the instance that held it has written: a cold
	 * read that began before that write would otherwise load the key a second time.
	 */
	@Nullable SwrEntry<V> loadedElsewhere(K key) {
		SwrEntry<V> entry = this.store.get(key);
		if (entry != null && !entry.tags().isEmpty()) {
			entry = this.tags.check(entry, this.clock.millis());
		}
		return usable(entry);
	}

	/** Like {@link #loadedElsewhere}, without blocking; never completes exceptionally. */
	CompletableFuture<@Nullable SwrEntry<V>> loadedElsewhereAsync(K key) {
		return this.store.getAsync(key)
			.thenCompose((entry) -> (entry == null || entry.tags().isEmpty()) ? CompletableFuture.completedFuture(entry)
					: this.tags.checkAsync(entry, this.clock.millis()))
			.handle((entry, failure) -> (failure == null) ? usable(entry) : null);
	}

	private @Nullable SwrEntry<V> usable(@Nullable SwrEntry<V> entry) {
		return (entry != null && this.clock.millis() < entry.expiresAt()) ? entry : null;
	}

}
