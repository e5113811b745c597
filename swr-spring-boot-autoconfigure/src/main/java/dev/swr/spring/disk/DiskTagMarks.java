package dev.swr.spring.disk;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.swr.core.TagMark;
import dev.swr.core.TagMarkStore;

/**
 * The tag marks of one cache on disk, beside its entries, so that a tag eviction holds after a
 * restart too: an entry written before it and read back from disk is still covered. Reads are
 * local and answer at once.
 */
final class DiskTagMarks implements TagMarkStore {

	private final DiskDatabase database;

	private final String cacheName;

	DiskTagMarks(DiskDatabase database, String cacheName) {
		this.database = database;
		this.cacheName = cacheName;
	}

	@Override
	public void mark(String tag, TagMark mark, long retentionMillis) {
		long now = this.database.clock().millis();
		this.database.mergeTagMark(this.cacheName, tag, mark, now + retentionMillis);
	}

	@Override
	public CompletableFuture<Map<String, TagMark>> read(Collection<String> tags) {
		try {
			Map<String, TagMark> marks = new HashMap<>();
			for (String tag : tags) {
				TagMark mark = this.database.tagMark(this.cacheName, tag);
				if (mark != null) {
					marks.put(tag, mark);
				}
			}
			return CompletableFuture.completedFuture(marks);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

}
