package dev.swr.spring.cache;

import org.jspecify.annotations.Nullable;

import dev.swr.core.SwrPolicy;

/**
 * Settings of one cache from configuration ({@code swr.defaults.*} or {@code swr.caches.<name>.*}):
 * each may be absent, in which case the next source in the precedence order decides.
 */
public interface SwrCacheSettings {

	/** Applies the settings that are present to {@code policy}, leaving the others as they are. */
	void applyTo(SwrPolicy.Builder policy);

	/** The maximum number of entries in memory, or {@code null} when not set here. */
	@Nullable Long maximumSize();

	/** Settings that set nothing. */
	SwrCacheSettings NONE = new SwrCacheSettings() {

		@Override
		public void applyTo(SwrPolicy.Builder policy) {
		}

		@Override
		public @Nullable Long maximumSize() {
			return null;
		}

	};

}
