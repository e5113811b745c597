package dev.swr.spring.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrStats;
import dev.swr.core.SwrStatus;
import dev.swr.spring.cache.SwrSpringCache;

/**
 * Gives swr caches Spring Boot's standard cache meters ({@code cache.gets{result=hit|miss}},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}), read from the engine's counters.
 * A read served from the cache (fresh, stale, expired or fallback) is a hit; a read that loaded is
 * a miss.
 */
public class SwrCacheMeterBinderProvider implements CacheMeterBinderProvider<SwrSpringCache> {

	@Override
	public MeterBinder getMeterBinder(SwrSpringCache cache, Iterable<Tag> tags) {
		return new SwrCacheMeterBinder(cache.getNativeCache(), tags);
	}

	private static final class SwrCacheMeterBinder extends CacheMeterBinder<SwrCache<?, ?>> {

		private final SwrCache<?, ?> cache;

		SwrCacheMeterBinder(SwrCache<?, ?> cache, Iterable<Tag> tags) {
			super(cache, cache.name(), tags);
			// The manager keeps the cache; held strongly so the meters never read a collected one.
			this.cache = cache;
		}

		@Override
		protected @Nullable Long size() {
			long size = this.cache.inspect().estimatedSize();
			return (size >= 0) ? size : null;
		}

		@Override
		protected long hitCount() {
			SwrStats stats = this.cache.stats();
			return stats.gets(SwrStatus.HIT) + stats.gets(SwrStatus.STALE) + stats.gets(SwrStatus.EXPIRED)
					+ stats.gets(SwrStatus.FALLBACK);
		}

		@Override
		protected Long missCount() {
			return this.cache.stats().gets(SwrStatus.MISS);
		}

		@Override
		protected Long evictionCount() {
			return this.cache.stats().evictions();
		}

		@Override
		protected long putCount() {
			return this.cache.stats().puts();
		}

		@Override
		protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
			// The swr.* meters are bound by SwrMetrics.
		}

	}

}
