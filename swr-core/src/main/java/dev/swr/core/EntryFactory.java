package dev.swr.core;

import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

/**
 * Gives a written value its windows: the cache's policy, or the {@link SwrTtlPolicy}'s choice for
 * that value, with the fresh window shortened by the policy's jitter.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class EntryFactory<K, V> {

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	private final String cacheName;

	private final SwrPolicy policy;

	private final @Nullable SwrTtlPolicy ttlPolicy;

	EntryFactory(String cacheName, SwrPolicy policy, @Nullable SwrTtlPolicy ttlPolicy) {
		this.cacheName = cacheName;
		this.policy = policy;
		this.ttlPolicy = ttlPolicy;
	}

	/** A new entry of {@code value} written at {@code now}; never throws, even when the TTL policy does. */
	SwrEntry<V> create(K key, @Nullable V value, long now) {
		EntryWindows windows = windowsFor(key, value);
		long fresh = windows.fresh().toMillis();
		long stale = windows.stale().toMillis();
		long expired = windows.expired().toMillis();
		long jittered = fresh;
		if (this.policy.jitter() > 0) {
			jittered = fresh - (long) (fresh * this.policy.jitter() * ThreadLocalRandom.current().nextDouble());
		}
		long staleUntil = plus(now, plus(fresh, stale));
		return new SwrEntry<>(value, now, plus(now, jittered), staleUntil, plus(staleUntil, expired));
	}

	private EntryWindows windowsFor(K key, @Nullable V value) {
		EntryWindows configured = this.policy.windows();
		if (this.ttlPolicy == null) {
			return configured;
		}
		try {
			EntryWindows chosen = this.ttlPolicy.windows(this.cacheName, key, value, configured);
			return (chosen != null) ? chosen : configured;
		}
		catch (RuntimeException ex) {
			logger.log(System.Logger.Level.WARNING, () -> "TTL policy failed for key '" + key + "' in cache '"
					+ this.cacheName + "'; the configured windows are used", ex);
			return configured;
		}
	}

	private static long plus(long a, long b) {
		long sum = a + b;
		// Overflow only when both are positive and the sum wraps: saturate instead.
		return (((a ^ sum) & (b ^ sum)) < 0) ? Long.MAX_VALUE : sum;
	}

}
