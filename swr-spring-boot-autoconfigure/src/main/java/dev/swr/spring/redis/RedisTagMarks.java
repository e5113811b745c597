package dev.swr.spring.redis;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

import dev.swr.core.SwrStoreException;
import dev.swr.core.TagMark;
import dev.swr.core.TagMarkStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The tag marks of one cache in Redis: one hash, {@code <prefix>tags:<cache>}, a field per evicted
 * tag holding {@code hard:soft} epoch millis, merged by a script so that instants only move
 * forward; one key per cache, so a read of any number of tags is one {@code HMGET} (on a cluster
 * too). With a tiered store a mark is also announced on the invalidation channel so that other
 * instances know of it at once; that message is for speed only, the engine checks the hash at
 * least once per {@code swr.tags.check-interval}.
 */
final class RedisTagMarks implements TagMarkStore {

	private static final Log logger = LogFactory.getLog(RedisTagMarks.class);

	private final RedisGateway redis;

	private final String cacheName;

	private final String key;

	private final @Nullable RedisInvalidations invalidations;

	RedisTagMarks(RedisGateway redis, String keyPrefix, String cacheName, @Nullable RedisInvalidations invalidations) {
		this.redis = redis;
		this.cacheName = cacheName;
		this.key = keyPrefix + "tags:" + cacheName;
		this.invalidations = invalidations;
	}

	@Override
	public void mark(String tag, TagMark mark, long retentionMillis) {
		this.redis.markTag(this.key, tag, instant(mark.hardAt()), instant(mark.softAt()), retentionMillis);
		if (this.invalidations != null) {
			try {
				this.invalidations.publishTag(this.cacheName, tag, mark);
			}
			catch (SwrStoreException ex) {
				// The mark is stored: other instances see it at their next check, only later.
				logger.debug("Announcing the eviction of tag '" + tag + "' of cache '" + this.cacheName + "' failed", ex);
			}
		}
	}

	@Override
	public CompletableFuture<Map<String, TagMark>> read(Collection<String> tags) {
		List<String> fields = List.copyOf(tags);
		return this.redis.hashValues(this.key, fields).thenApply((values) -> {
			Map<String, TagMark> marks = new HashMap<>();
			for (int i = 0; i < fields.size() && i < values.size(); i++) {
				TagMark mark = parse(values.get(i));
				if (mark != null) {
					marks.put(fields.get(i), mark);
				}
			}
			return marks;
		});
	}

	@Override
	public void onRemoteMark(BiConsumer<String, TagMark> listener) {
		if (this.invalidations != null) {
			this.invalidations.registerTags(this.cacheName, listener);
		}
	}

	/** The hash key, for tests and diagnostics. */
	String key() {
		return this.key;
	}

	static String instant(long millis) {
		return (millis == TagMark.NEVER) ? "" : Long.toString(millis);
	}

	/** {@code hard:soft} as stored; {@code null} for a missing field or one that is not a mark (ignored). */
	static @Nullable TagMark parse(@Nullable String stored) {
		if (stored == null) {
			return null;
		}
		int colon = stored.indexOf(':');
		if (colon < 0) {
			return null;
		}
		try {
			return new TagMark(millis(stored.substring(0, colon)), millis(stored.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	private static long millis(String text) {
		return text.isEmpty() ? TagMark.NEVER : Long.parseLong(text);
	}

}
