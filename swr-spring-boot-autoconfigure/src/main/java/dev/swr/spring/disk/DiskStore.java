package dev.swr.spring.disk;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.swr.core.MemoryStore;
import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import dev.swr.core.TagMarkStore;
import org.jspecify.annotations.Nullable;

/**
 * The {@code disk} store of one cache: decoded entries of hot keys in a Caffeine first tier, every
 * entry in RocksDB. A first-tier hit costs what a memory-store hit costs; a first-tier miss reads
 * and decodes the envelope from disk and keeps the entry in the first tier.
 * <p>
 * Writes go to disk first, then to the first tier; evicts remove from disk, then from the first
 * tier. Between the two, each counts itself in a stripe of keys; a read notes its stripe's count
 * before it reads the disk and keeps what it read in the first tier only if the count has not moved,
 * checked before and after it fills. So an entry read before a write or evict either lands before
 * that write's first-tier step (which then replaces or removes it) or is not kept.
 */
final class DiskStore implements SwrStore<Object, Object> {

	private static final int STRIPES = 64;

	private final MemoryStore<Object, Object> local;

	private final SwrStore<Object, Object> disk;

	private final DiskDatabase database;

	private final DiskTagMarks tagMarks;

	private final AtomicLongArray changes = new AtomicLongArray(STRIPES);

	/**
	 * @param maximumSize the bound on first-tier entries
	 * @param clock the engine's clock
	 * @param disk the cache's entries in the database (a serializing store over its column family)
	 * @param database the database, for reachability
	 */
	DiskStore(long maximumSize, InstantSource clock, SwrStore<Object, Object> disk, DiskDatabase database,
			String cacheName) {
		this.local = new MemoryStore<>(maximumSize, clock);
		this.disk = disk;
		this.database = database;
		this.tagMarks = new DiskTagMarks(database, cacheName);
	}

	/** Kept on disk with the entries, so a tag eviction outlives a restart. */
	@Override
	public TagMarkStore tagMarks() {
		return this.tagMarks;
	}

	@Override
	public @Nullable SwrEntry<Object> get(Object key) {
		SwrEntry<Object> entry = this.local.get(key);
		if (entry != null) {
			return entry;
		}
		int stripe = stripe(key);
		long seen = this.changes.get(stripe);
		entry = this.disk.get(key);
		if (entry != null && this.changes.get(stripe) == seen) {
			this.local.put(key, entry);
			if (this.changes.get(stripe) != seen) {
				// A write or evict came in while we filled: it may have run before our put.
				this.local.evict(key);
			}
		}
		return entry;
	}

	@Override
	public void put(Object key, SwrEntry<Object> entry) {
		try {
			this.disk.put(key, entry);
		}
		finally {
			// Even when the disk refused it (full): the engine answers with it, the first tier keeps it.
			this.changes.incrementAndGet(stripe(key));
			this.local.put(key, entry);
		}
	}

	@Override
	public void evict(Object key) {
		try {
			this.disk.evict(key);
		}
		finally {
			this.changes.incrementAndGet(stripe(key));
			this.local.evict(key);
		}
	}

	/** Whether either tier removed an entry. */
	@Override
	public boolean clear() {
		boolean removed;
		boolean removedLocally;
		try {
			removed = this.disk.clear();
		}
		finally {
			for (int i = 0; i < STRIPES; i++) {
				this.changes.incrementAndGet(i);
			}
			removedLocally = this.local.clear();
		}
		return removed | removedLocally;
	}

	/** RocksDB's estimate of the cache's entries on disk (the first tier holds a subset). */
	@Override
	public long estimatedSize() {
		return this.disk.estimatedSize();
	}

	@Override
	public boolean isReachable() {
		return this.database.isOpen();
	}

	@Override
	public String kind() {
		return "disk";
	}

	/** The store under the first tier; for tests. */
	SwrStore<Object, Object> diskForTests() {
		return this.disk;
	}

	private static int stripe(Object key) {
		return String.valueOf(key).hashCode() & (STRIPES - 1);
	}

}
