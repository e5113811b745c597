package dev.swr.core;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;

/**
 * What one cache knows of its tags' evictions, and what it makes of a tagged entry: gone, stale or
 * as stored. With a store that keeps no marks (memory) the ledger is where they live; with one that
 * does ({@link TagMarkStore}: Redis, disk) it is a read-through copy, each tag checked against the
 * store at most once per {@code checkInterval}, so a missed message from another instance delays
 * an eviction by at most that much and never loses it.
 * <p>
 * Entries are compared by {@link SwrEntry#writtenAt()}, which for a loaded value is when its load
 * started: a load that read the source before an eviction is covered by it even if it lands after.
 */
final class TagLedger {

	/** Bounds a read of marks should the store's own timeouts not answer first. */
	private static final long READ_BOUND_MILLIS = 5_000;

	private static final int MAX_KNOWN_TAGS = 100_000;

	private final @Nullable TagMarkStore shared;

	private final InstantSource clock;

	private final long checkIntervalMillis;

	private final long retentionMillis;

	private final GuardedStore<?, ?> guarded;

	/** Tag to its mark and when the store was last asked for it. */
	private final Cache<String, Known> known;

	/** Reads of marks under way, per tag, so concurrent readers of a tag ask the store once. */
	private final ConcurrentHashMap<String, CompletableFuture<Void>> reading = new ConcurrentHashMap<>();

	TagLedger(@Nullable TagMarkStore shared, InstantSource clock, Duration checkInterval, Duration retention,
			GuardedStore<?, ?> guarded) {
		this.shared = shared;
		this.clock = clock;
		this.checkIntervalMillis = checkInterval.toMillis();
		this.retentionMillis = retention.toMillis();
		this.guarded = guarded;
		// A mark matters as long as an entry written before it may live; past that it is dropped.
		this.known = Caffeine.newBuilder()
			.maximumSize(MAX_KNOWN_TAGS)
			.expireAfterWrite(retention)
			.ticker(() -> clock.millis() * 1_000_000L)
			.executor(Runnable::run)
			.build();
		if (shared != null) {
			shared.onRemoteMark(this::learn);
		}
	}

	/**
	 * {@code entry} as its tags leave it at {@code now}: {@code null} when a hard eviction of one of
	 * them covers it, with its fresh window ended when a soft one does, else itself. May ask the
	 * store (bounded by its timeouts); a failing store leaves what is known in force.
	 */
	<V> @Nullable SwrEntry<V> check(SwrEntry<V> entry, long now) {
		CompletableFuture<Void> refreshed = refreshOutdated(entry.tags(), now);
		if (refreshed != null) {
			try {
				refreshed.get(READ_BOUND_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// Counted where the read failed; what is known stays in force.
			}
		}
		return verdict(entry, now);
	}

	/** Like {@link #check}, never blocking the calling thread. */
	<V> CompletableFuture<@Nullable SwrEntry<V>> checkAsync(SwrEntry<V> entry, long now) {
		CompletableFuture<Void> refreshed = refreshOutdated(entry.tags(), now);
		if (refreshed == null) {
			return CompletableFuture.completedFuture(verdict(entry, now));
		}
		return refreshed.orTimeout(READ_BOUND_MILLIS, TimeUnit.MILLISECONDS)
			.handle((ignored, failure) -> verdict(entry, now));
	}

	/**
	 * Records an eviction of {@code tag} at {@code now}: at once here, then in the shared store.
	 * @throws SwrStoreException if the shared store failed (the eviction holds here all the same)
	 */
	void mark(String tag, boolean soft, long now) {
		TagMark mark = TagMark.of(now, soft);
		remember(tag, mark, now);
		if (this.shared != null) {
			this.shared.mark(tag, mark, this.retentionMillis);
		}
	}

	/** A mark another instance recorded, heard through the store's messages. */
	void learn(String tag, TagMark mark) {
		remember(tag, mark, this.clock.millis());
	}

	/** Merges {@code mark} into what is known of {@code tag}, checked against the store at {@code checkedAt}. */
	private void remember(String tag, TagMark mark, long checkedAt) {
		this.known.asMap().merge(tag, new Known(mark, checkedAt), Known::merge);
	}

	/** The mark of {@code tag} as known here, without asking the store; for inspection and tests. */
	TagMark known(String tag) {
		Known mark = knownQuietly(tag);
		return (mark != null) ? mark.mark : TagMark.NONE;
	}

	/** What is known of {@code tag}, read without the cache's upkeep on this thread (a read of every tagged hit). */
	private @Nullable Known knownQuietly(String tag) {
		return this.known.policy().getIfPresentQuietly(tag);
	}

	private <V> @Nullable SwrEntry<V> verdict(SwrEntry<V> entry, long now) {
		long written = entry.writtenAt();
		boolean stale = false;
		for (String tag : entry.tags()) {
			Known mark = knownQuietly(tag);
			if (mark == null) {
				continue;
			}
			if (written <= mark.mark.hardAt()) {
				return null;
			}
			stale |= written <= mark.mark.softAt();
		}
		return stale ? entry.staleFrom(now) : entry;
	}

	/**
	 * Starts reading the marks of the tags not checked against the shared store within the check
	 * interval; {@code null} when there is nothing to read (or no shared store).
	 */
	private @Nullable CompletableFuture<Void> refreshOutdated(List<String> tags, long now) {
		if (this.shared == null) {
			return null;
		}
		List<String> mine = null;
		List<CompletableFuture<Void>> waits = null;
		CompletableFuture<Void> myRead = null;
		for (String tag : tags) {
			Known mark = knownQuietly(tag);
			if (mark != null && now - mark.checkedAt < this.checkIntervalMillis) {
				continue;
			}
			if (myRead == null) {
				myRead = new CompletableFuture<>();
				waits = new ArrayList<>(tags.size());
			}
			CompletableFuture<Void> running = this.reading.putIfAbsent(tag, myRead);
			if (running == null) {
				if (mine == null) {
					mine = new ArrayList<>(tags.size());
				}
				mine.add(tag);
			}
			else {
				waits.add(running);
			}
		}
		if (myRead == null) {
			return null;
		}
		if (mine != null) {
			readShared(mine, now, myRead);
			waits.add(myRead);
		}
		return (waits.size() == 1) ? waits.get(0) : CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
	}

	private void readShared(List<String> tags, long now, CompletableFuture<Void> done) {
		CompletableFuture<Map<String, TagMark>> read;
		try {
			read = this.shared.read(tags);
		}
		catch (RuntimeException ex) {
			read = CompletableFuture.failedFuture(ex);
		}
		read.orTimeout(READ_BOUND_MILLIS, TimeUnit.MILLISECONDS).whenComplete((marks, failure) -> {
			try {
				if (failure != null) {
					this.guarded.failedAsync(tags, SwrStoreException.Operation.GET, failure);
				}
				for (String tag : tags) {
					// Failed: what is known stays, and is asked again after the interval, not at every read.
					TagMark stored = (marks != null) ? marks.getOrDefault(tag, TagMark.NONE) : TagMark.NONE;
					remember(tag, stored, now);
				}
			}
			finally {
				for (String tag : tags) {
					this.reading.remove(tag, done);
				}
				done.complete(null);
			}
		});
	}

	/** A mark and when the shared store was last asked for it (epoch millis). */
	private record Known(TagMark mark, long checkedAt) {

		static Known merge(Known older, Known newer) {
			return new Known(older.mark.merge(newer.mark), Math.max(older.checkedAt, newer.checkedAt));
		}

	}

}
