package dev.swr.core;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * Gives a loaded value the tags its entry is written with, so that {@link SwrCache#evictByTag}
 * finds it. Called once per write, inside the load's single exit: should it throw, that load's
 * callers get its exception and nothing is written.
 *
 * @param <V> the value type
 */
@FunctionalInterface
public interface SwrTagger<V> {

	/**
	 * The tags of {@code value}.
	 * @param value the loaded value, possibly {@code null}
	 * @return its tags; {@code null} or empty for none
	 */
	@Nullable Collection<String> tagsOf(@Nullable V value);

}
