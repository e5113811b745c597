package dev.swr.core;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
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

	/** The most tags one entry may carry. */
	static final int MAX_TAGS = 32;

	/** The longest tag, in characters. */
	static final int MAX_TAG_LENGTH = 256;

	private static final System.Logger logger = System.getLogger(SwrCache.class.getName());

	private final String cacheName;

	private final SwrPolicy policy;

	private final @Nullable SwrTtlPolicy ttlPolicy;

	EntryFactory(String cacheName, SwrPolicy policy, @Nullable SwrTtlPolicy ttlPolicy) {
		this.cacheName = cacheName;
		this.policy = policy;
		this.ttlPolicy = ttlPolicy;
	}

	/** A new untagged entry of {@code value} written at {@code now}; never throws, even when the TTL policy does. */
	SwrEntry<V> create(K key, @Nullable V value, long now) {
		return create(key, value, now, now, List.of());
	}

	/**
	 * A new entry of {@code value} whose windows start at {@code now}.
	 * @param loadedFrom when the load that produced the value started (its {@code writtenAt}), so a
	 * tag eviction between the start and {@code now} covers it
	 * @param tags the entry's tags, checked by {@link #tags}
	 */
	SwrEntry<V> create(K key, @Nullable V value, long now, long loadedFrom, List<String> tags) {
		EntryWindows windows = windowsFor(key, value);
		long fresh = windows.fresh().toMillis();
		long stale = windows.stale().toMillis();
		long expired = windows.expired().toMillis();
		long jittered = fresh;
		if (this.policy.jitter() > 0) {
			jittered = fresh - (long) (fresh * this.policy.jitter() * ThreadLocalRandom.current().nextDouble());
		}
		long staleUntil = plus(now, plus(fresh, stale));
		return new SwrEntry<>(value, Math.min(loadedFrom, now), plus(now, jittered), staleUntil,
				plus(staleUntil, expired), tags);
	}

	/**
	 * The tags a tagger gave a value of {@code key}, checked: each a non-blank string of at most
	 * {@value #MAX_TAG_LENGTH} characters, at most {@value #MAX_TAGS} of them; duplicates dropped.
	 * @throws IllegalArgumentException naming the cache, the key and the bad tag
	 */
	List<String> tags(K key, @Nullable V value, @Nullable SwrTagger<? super V> tagger) {
		// A cached null carries no tags: tag expressions are written for values (#result.category).
		if (tagger == null || value == null) {
			return List.of();
		}
		Collection<String> given = tagger.tagsOf(value);
		if (given == null || given.isEmpty()) {
			return List.of();
		}
		LinkedHashSet<String> tags = new LinkedHashSet<>(given.size());
		for (String tag : given) {
			if (tag == null || tag.isBlank() || tag.length() > MAX_TAG_LENGTH) {
				throw new IllegalArgumentException("Tag " + ((tag != null) ? "'" + truncate(tag) + "'" : "null")
						+ " of key '" + key + "' in cache '" + this.cacheName + "' is not a non-blank string of at most "
						+ MAX_TAG_LENGTH + " characters");
			}
			tags.add(tag);
		}
		if (tags.size() > MAX_TAGS) {
			throw new IllegalArgumentException("Key '" + key + "' in cache '" + this.cacheName + "' has " + tags.size()
					+ " tags; at most " + MAX_TAGS + " are allowed");
		}
		return List.copyOf(tags);
	}

	private static String truncate(String tag) {
		return (tag.length() <= 80) ? tag : tag.substring(0, 80) + "...";
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
