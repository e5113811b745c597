package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * Chooses the windows of each written value, for caches whose values deserve different lives (a
 * product that is out of stock goes stale sooner, an empty result is kept briefly). Called once per
 * write, on the loading thread; it must be fast and must not throw.
 */
@FunctionalInterface
public interface SwrTtlPolicy {

	/**
	 * The windows for a value about to be written.
	 * @param cache the cache name
	 * @param key the key
	 * @param value the loaded value, {@code null} when a null result is cached
	 * @param configured the windows the cache's policy would use
	 * @return the windows to use; {@code null} means {@code configured}
	 */
	@Nullable EntryWindows windows(String cache, Object key, @Nullable Object value, EntryWindows configured);

}
