package dev.swr.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The default {@link SwrErrorHandler}: logs a warning per cache, operation and reason at most once
 * every ten seconds, so a dead backend under load is one line, not one per request. Every failure
 * is still counted by the cache.
 */
public final class LoggingErrorHandler implements SwrErrorHandler {

	private static final System.Logger logger = System.getLogger(LoggingErrorHandler.class.getName());

	private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(10);

	private final ConcurrentMap<String, Long> lastLogged = new ConcurrentHashMap<>();

	@Override
	public void onStoreError(String cache, @Nullable Object key, SwrStoreException error) {
		String kind = cache + '/' + error.operation() + '/' + error.reason();
		long now = System.nanoTime();
		Long previous = this.lastLogged.get(kind);
		if (previous != null && now - previous < QUIET_NANOS) {
			return;
		}
		if (this.lastLogged.put(kind, now) == previous) {
			logger.log(System.Logger.Level.WARNING, () -> "Cache '" + cache + "': store " + error.operation().tag()
					+ " failed (" + error.reason().tag() + "), answered from the source instead; further such failures "
					+ "are counted but not logged for 10s", error);
		}
	}

}
