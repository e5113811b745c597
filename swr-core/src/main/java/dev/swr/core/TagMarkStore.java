package dev.swr.core;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Where a store keeps the {@link TagMark}s of its cache beside its entries, so that a tag eviction
 * holds for every application instance that shares the store, and across restarts of a persistent
 * one. The engine reads marks through it lazily, at most once per {@code tag-check-interval} per
 * tag, and keeps what it read in memory; messages from other instances ({@link #onRemoteMark}) only
 * make an eviction known sooner, so correctness never depends on their delivery.
 * <p>
 * Failures are thrown (or complete the future) as {@link SwrStoreException}.
 */
public interface TagMarkStore {

	/**
	 * Records {@code mark}, merged with the stored one ({@link TagMark#merge}), and tells other
	 * instances, if any.
	 * @param tag the tag
	 * @param mark the eviction to record
	 * @param retentionMillis how long the mark must be kept at least: the longest an entry written
	 * before it may live
	 * @throws SwrStoreException if the store fails
	 */
	void mark(String tag, TagMark mark, long retentionMillis);

	/**
	 * The stored marks of {@code tags}, without blocking the calling thread on I/O.
	 * @param tags the tags
	 * @return their marks; a tag never evicted (or whose mark is past its retention) is left out
	 */
	CompletableFuture<Map<String, TagMark>> read(Collection<String> tags);

	/**
	 * Registers the listener of marks that other instances record, for speed only; by default
	 * there are none (one instance, or a store without messages).
	 * @param listener told the tag and its mark
	 */
	default void onRemoteMark(BiConsumer<String, TagMark> listener) {
	}

}
