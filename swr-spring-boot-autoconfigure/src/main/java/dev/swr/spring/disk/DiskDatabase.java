package dev.swr.spring.disk;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.swr.core.SwrStoreException;
import dev.swr.core.SwrStoreException.Operation;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.TagMark;
import dev.swr.core.serial.EnvelopeCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/**
 * The one embedded RocksDB of an application ({@code swr.store=disk}): a column family per cache,
 * envelopes as values under the keys' string forms, written with the write-ahead log on.
 * <p>
 * What it does on a bad day:
 * <ul>
 * <li>a directory of its own (one holding the {@value #MARKER} file it writes beside RocksDB's)
 * that RocksDB cannot open (corrupt, garbled, half-written) is moved aside to
 * {@code <path>.corrupt-<time>} with a WARN, and an empty database is opened: a cache never fails
 * a startup ({@link #openedAfterRecovery()} tells it happened);</li>
 * <li>a directory that is not its own is never moved: one holding other files fails startup
 * naming them, and so does an unmarked RocksDB database that cannot be opened (an unmarked one that
 * opens, a disk cache's from before the marker, is adopted and marked);</li>
 * <li>a directory another process holds open fails startup with an {@link IllegalStateException}
 * naming the path and {@code swr.disk.path}: two processes must not share one database;</li>
 * <li>a write RocksDB refuses for lack of space, or one past {@code swr.disk.max-size}, is dropped
 * and reported as {@link Reason#FULL}; reads go on;</li>
 * <li>expired entries are removed by {@link #sweep()} (RocksDB has no per-key expiry), which also
 * evicts the entries closest to their expiry while the database is over its size, then compacts
 * what it removed so the space is given back.</li>
 * </ul>
 * Thread-safe. {@link #close()} releases the directory's lock.
 */
public final class DiskDatabase implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DiskDatabase.class);

	private static final byte[] DEFAULT_FAMILY = RocksDB.DEFAULT_COLUMN_FAMILY;

	/** The file that marks a directory as a disk cache's: only such a directory is ever moved aside. */
	public static final String MARKER = "SWR-DISK-CACHE";

	/** The names of the files RocksDB writes in its directory (RocksDB's own file naming). */
	private static final Pattern ROCKSDB_FILE = Pattern.compile(
			"CURRENT|IDENTITY|LOCK|LOG(\\.old\\.\\d+)?|(MANIFEST|OPTIONS)-\\d+(\\.dbtmp)?|\\d+\\.(log|sst|blob|dbtmp)");

	/** Above every key: keys are UTF-8, which never holds the byte 0xFF. */
	private static final byte[] END_OF_KEYS = { (byte) 0xFF };

	private final Path path;

	private final DiskSettings settings;

	private final InstantSource clock;

	/** Orders the read-merge-write of tag marks. */
	private final Object tagMarkWrites = new Object();

	/** A stored tag mark: hardAt, softAt, and until when it is kept (epoch millis). */
	private static final int TAG_MARK_BYTES = 24;

	private final boolean recovered;

	private final DBOptions dbOptions;

	private final ColumnFamilyOptions familyOptions;

	private final LRUCache blockCache;

	private final WriteOptions writeOptions;

	private final ReadOptions readOptions;

	private final RocksDB db;

	private final Map<String, ColumnFamilyHandle> families = new ConcurrentHashMap<>();

	private final List<ColumnFamilyHandle> openedHandles = new ArrayList<>();

	/** Held shared by every operation and exclusively by {@link #close()}: no call runs on a closed database. */
	private final ReentrantReadWriteLock open = new ReentrantReadWriteLock();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean overSize = new AtomicBoolean();

	private final AtomicLong writesSinceSizeCheck = new AtomicLong();

	/**
	 * Opens (or creates) the database at {@code path}.
	 * @param path the directory ({@code swr.disk.path})
	 * @param settings sizes and tuning
	 * @param clock the engine's clock, for expiry
	 * @throws IllegalStateException if another process holds the directory, or it cannot be created
	 */
	public DiskDatabase(Path path, DiskSettings settings, InstantSource clock) {
		this.path = path.toAbsolutePath();
		this.settings = settings;
		this.clock = clock;
		boolean marked = isMarkedOrNew(this.path);
		try {
			Files.createDirectories(this.path);
		}
		catch (IOException ex) {
			throw cannotCreate(this.path, ex);
		}
		RocksDbLibrary.Source library = RocksDbLibrary.load(this.path);
		if (logger.isDebugEnabled()) {
			logger.debug("RocksDB's native library: " + library);
		}
		this.blockCache = new LRUCache(settings.blockCacheSize());
		BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(this.blockCache)
			.setFilterPolicy(new BloomFilter(10));
		this.familyOptions = new ColumnFamilyOptions().setCompressionType(settings.compression())
			.setWriteBufferSize(settings.writeBufferSize())
			.setTableFormatConfig(table);
		this.dbOptions = new DBOptions().setCreateIfMissing(true)
			.setCreateMissingColumnFamilies(true)
			.setMaxTotalWalSize(4 * settings.writeBufferSize())
			.setKeepLogFileNum(2);
		this.writeOptions = new WriteOptions().setSync(settings.syncWrites());
		this.readOptions = new ReadOptions();
		RocksDB opened;
		boolean recovered = false;
		try {
			opened = openExisting();
		}
		catch (RocksDBException ex) {
			if (isLockHeld(ex)) {
				closeOptions();
				throw new IllegalStateException("swr.disk.path " + this.path + " is locked by another process, or already"
						+ " open in this one (" + ex.getMessage() + "): give each application instance a directory of its own",
						ex);
			}
			if (!marked) {
				closeOptions();
				throw new IllegalStateException("swr.disk.path " + this.path + " holds a RocksDB database that could not be"
						+ " opened (" + ex.getMessage() + ") and has no " + MARKER + " file, so it may not be a disk"
						+ " cache's: it is left as it is; move or delete it, or point swr.disk.path at a directory of"
						+ " the cache's own", ex);
			}
			Path aside = moveAside(ex);
			logger.warn("swr.disk.path " + this.path + " could not be opened (" + ex.getMessage() + "); moved it to "
					+ aside + " and starting with an empty disk cache");
			recovered = true;
			try {
				createDirectory();
				opened = openExisting();
			}
			catch (RocksDBException again) {
				closeOptions();
				throw new IllegalStateException("swr.disk.path " + this.path + " could not be opened even empty: "
						+ again.getMessage(), again);
			}
		}
		this.db = opened;
		this.recovered = recovered;
		mark();
	}

	private void createDirectory() {
		try {
			Files.createDirectories(this.path);
		}
		catch (IOException ex) {
			closeOptions();
			throw cannotCreate(this.path, ex);
		}
	}

	/**
	 * Whether {@code path} is a disk cache's directory or none yet: absent, empty or marked. An
	 * unmarked directory holding only RocksDB's files is not (it may be opened, never moved aside).
	 * @throws IllegalStateException if it holds any other file, naming the first few
	 */
	private static boolean isMarkedOrNew(Path path) {
		if (!Files.isDirectory(path) || Files.isRegularFile(path.resolve(MARKER))) {
			return true;
		}
		List<String> names;
		try (Stream<Path> entries = Files.list(path)) {
			names = entries.map((entry) -> entry.getFileName().toString()).sorted().toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException("swr.disk.path " + path + " could not be listed: " + ex.getMessage(), ex);
		}
		List<String> foreign = names.stream().filter((name) -> !ROCKSDB_FILE.matcher(name).matches()).toList();
		if (!foreign.isEmpty()) {
			throw new IllegalStateException("swr.disk.path " + path + " is neither empty nor a disk cache's directory (it"
					+ " holds " + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
					+ ((foreign.size() > 5) ? ", ..." : "") + "): point it at a new or empty directory of the cache's own");
		}
		return names.isEmpty();
	}

	/** Marks the directory as a disk cache's, once it holds an open database. */
	private void mark() {
		Path marker = this.path.resolve(MARKER);
		if (Files.isRegularFile(marker)) {
			return;
		}
		try {
			Files.writeString(marker, "A disk cache of swr-spring-boot (swr.store=disk): RocksDB's files beside this"
					+ " one are its entries.\n");
		}
		catch (IOException ex) {
			logger.warn("swr.disk.path " + this.path + ": the " + MARKER + " file could not be written (" + ex.getMessage()
					+ "); should RocksDB fail to open this directory at a later start, it will not be moved aside");
		}
	}

	/** The startup failure for a {@code swr.disk.path} whose directory could not be created, saying why. */
	private static IllegalStateException cannotCreate(Path path, IOException ex) {
		if (ex instanceof FileAlreadyExistsException && !Files.isDirectory(path)) {
			return new IllegalStateException("swr.disk.path " + path + " is a file, not a directory: "
					+ "point it at a directory the application may create and own", ex);
		}
		return new IllegalStateException("swr.disk.path " + path + " could not be created: " + ex.getMessage(), ex);
	}

	private RocksDB openExisting() throws RocksDBException {
		List<byte[]> names;
		try (Options probe = new Options()) {
			names = new ArrayList<>(RocksDB.listColumnFamilies(probe, this.path.toString()));
		}
		if (names.stream().noneMatch((name) -> Arrays.equals(name, DEFAULT_FAMILY))) {
			names.add(0, DEFAULT_FAMILY);
		}
		List<ColumnFamilyDescriptor> descriptors = names.stream()
			.map((name) -> new ColumnFamilyDescriptor(name, this.familyOptions))
			.toList();
		List<ColumnFamilyHandle> handles = new ArrayList<>();
		RocksDB opened = RocksDB.open(this.dbOptions, this.path.toString(), descriptors, handles);
		this.openedHandles.addAll(handles);
		for (int i = 0; i < names.size(); i++) {
			if (!Arrays.equals(names.get(i), DEFAULT_FAMILY)) {
				this.families.put(new String(names.get(i), StandardCharsets.UTF_8), handles.get(i));
			}
		}
		return opened;
	}

	private static boolean isLockHeld(RocksDBException ex) {
		String message = String.valueOf(ex.getMessage()).toLowerCase(Locale.ROOT);
		return message.contains("lock") && (message.contains("unavailable") || message.contains("hold")
				|| message.contains("resource busy"));
	}

	private Path moveAside(RocksDBException cause) {
		String stamp = LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
		Path aside = this.path.resolveSibling(this.path.getFileName() + ".corrupt-" + stamp);
		try {
			Files.move(this.path, aside);
			return aside;
		}
		catch (IOException ex) {
			closeOptions();
			throw new IllegalStateException("swr.disk.path " + this.path + " could not be opened (" + cause.getMessage()
					+ ") nor moved aside to " + aside + ": " + ex.getMessage(), ex);
		}
	}

	/** Whether the directory found at startup could not be opened and was moved aside. */
	public boolean openedAfterRecovery() {
		return this.recovered;
	}

	/** The database's clock. */
	InstantSource clock() {
		return this.clock;
	}

	/** The database's directory. */
	public Path path() {
		return this.path;
	}

	/** The column family of {@code cache}, created on first use. */
	ColumnFamilyHandle family(String cache) {
		ColumnFamilyHandle handle = this.families.get(cache);
		if (handle != null) {
			return handle;
		}
		synchronized (this.families) {
			handle = this.families.get(cache);
			if (handle == null) {
				handle = call(Operation.PUT, cache, () -> this.db
					.createColumnFamily(new ColumnFamilyDescriptor(cache.getBytes(StandardCharsets.UTF_8), this.familyOptions)));
				this.families.put(cache, handle);
			}
			return handle;
		}
	}

	byte @Nullable [] get(String cache, byte[] key) {
		return call(Operation.GET, cache, () -> this.db.get(family(cache), this.readOptions, key));
	}

	/**
	 * Writes an envelope. Past {@code max-size} (as last measured) the write is dropped with
	 * {@link Reason#FULL} and a sweep is due; a disk out of space is reported the same way.
	 */
	void put(String cache, byte[] key, byte[] envelope) {
		if (this.writesSinceSizeCheck.incrementAndGet() % 256 == 0) {
			measureSize();
		}
		if (this.overSize.get()) {
			throw new SwrStoreException(Operation.PUT, Reason.FULL, "Disk cache at " + this.path + " holds more than "
					+ "swr.disk.max-size (" + this.settings.maxSize() + " bytes) until its next sweep; write dropped", null);
		}
		call(Operation.PUT, cache, () -> {
			this.db.put(family(cache), this.writeOptions, key, envelope);
			return null;
		});
	}

	void delete(String cache, byte[] key) {
		call(Operation.EVICT, cache, () -> {
			this.db.delete(family(cache), this.writeOptions, key);
			return null;
		});
	}

	/** Removes every key of {@code cache} (one range tombstone), telling whether there was one. */
	boolean clear(String cache) {
		return call(Operation.CLEAR, cache, () -> {
			ColumnFamilyHandle family = family(cache);
			boolean any;
			try (RocksIterator iterator = this.db.newIterator(family, this.readOptions)) {
				iterator.seekToFirst();
				any = iterator.isValid();
				iterator.status();
			}
			this.db.deleteRange(family, this.writeOptions, new byte[0], END_OF_KEYS);
			return any;
		});
	}

	/**
	 * Merges {@code mark} into the stored mark of {@code tag} in {@code cache}, kept at least until
	 * {@code keepUntil} (epoch millis). Marks live in the default column family, which holds no
	 * entries (so sweeps of entries pass them by), under {@code NUL cache NUL tag}.
	 */
	void mergeTagMark(String cache, String tag, TagMark mark, long keepUntil) {
		byte[] key = tagMarkKey(cache, tag);
		call(Operation.EVICT, cache, () -> {
			synchronized (this.tagMarkWrites) {
				byte[] stored = this.db.get(this.db.getDefaultColumnFamily(), this.readOptions, key);
				TagMark merged = mark;
				long keep = keepUntil;
				if (stored != null && stored.length == TAG_MARK_BYTES) {
					ByteBuffer old = ByteBuffer.wrap(stored);
					merged = mark.merge(new TagMark(old.getLong(), old.getLong()));
					keep = Math.max(keep, old.getLong());
				}
				byte[] value = ByteBuffer.allocate(TAG_MARK_BYTES).putLong(merged.hardAt()).putLong(merged.softAt())
					.putLong(keep).array();
				this.db.put(this.db.getDefaultColumnFamily(), this.writeOptions, key, value);
			}
			return null;
		});
	}

	/** The stored mark of {@code tag} in {@code cache}, or {@code null}. */
	@Nullable TagMark tagMark(String cache, String tag) {
		byte[] stored = call(Operation.GET, cache,
				() -> this.db.get(this.db.getDefaultColumnFamily(), this.readOptions, tagMarkKey(cache, tag)));
		if (stored == null || stored.length != TAG_MARK_BYTES) {
			return null;
		}
		ByteBuffer mark = ByteBuffer.wrap(stored);
		return new TagMark(mark.getLong(), mark.getLong());
	}

	private static byte[] tagMarkKey(String cache, String tag) {
		return ("\0" + cache + "\0" + tag).getBytes(StandardCharsets.UTF_8);
	}

	/** Removes the tag marks kept past their time: no entry they could cover is left. */
	private void removeOldTagMarks(long now) throws RocksDBException {
		ColumnFamilyHandle marks = this.db.getDefaultColumnFamily();
		try (RocksIterator iterator = this.db.newIterator(marks, this.readOptions)) {
			for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
				byte[] value = iterator.value();
				if (value.length != TAG_MARK_BYTES || ByteBuffer.wrap(value, 16, 8).getLong() <= now) {
					this.db.delete(marks, this.writeOptions, iterator.key());
				}
			}
			iterator.status();
		}
	}

	/** RocksDB's estimate of the keys of {@code cache} (deleted ones may count until compacted). */
	long estimatedKeys(String cache) {
		return call(Operation.GET, cache, () -> this.db.getLongProperty(family(cache), "rocksdb.estimate-num-keys"));
	}

	/** Writes every cache's memtable to files on disk (RocksDB does so by itself as they fill); for tests. */
	void flush() {
		call(Operation.PUT, "*", () -> {
			flushMemtables();
			return null;
		});
	}

	private void flushMemtables() throws RocksDBException {
		try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
			this.db.flush(wait, new ArrayList<>(this.families.values()));
		}
	}

	/** Whether the database is open. */
	boolean isOpen() {
		return !this.closed.get();
	}

	/** Bytes the database takes on disk now: every file in its directory. */
	public long sizeOnDisk() {
		try (Stream<Path> files = Files.walk(this.path)) {
			return files.filter(Files::isRegularFile).mapToLong((file) -> {
				try {
					return Files.size(file);
				}
				catch (IOException ex) {
					return 0; // deleted meanwhile by a compaction
				}
			}).sum();
		}
		catch (IOException | UncheckedIOException ex) {
			return -1;
		}
	}

	private void measureSize() {
		long size = sizeOnDisk();
		this.overSize.set(size > this.settings.maxSize());
	}

	/**
	 * One pass over every cache: deletes the entries past their {@code expiresAt} and anything that is
	 * not an envelope; then, while the database is over {@code max-size}, the entries closest to their
	 * expiry, down to 90 % of it; then compacts each cache it removed entries from, so the space
	 * goes back to the file system; and flushes the memtables, so that a crash leaves at most one
	 * sweep interval of writes in the log to replay.
	 * @return the number of entries removed
	 */
	public long sweep() {
		this.open.readLock().lock();
		try {
			if (this.closed.get()) {
				return 0;
			}
			long now = this.clock.millis();
			long removed = 0;
			for (ColumnFamilyHandle family : this.families.values()) {
				removed += removeWhere(family, (expiresAt) -> expiresAt <= now);
			}
			removeOldTagMarks(now);
			long size = sizeOnDisk();
			if (size > this.settings.maxSize()) {
				removed += evictClosestToExpiry(size);
			}
			if (removed > 0) {
				for (ColumnFamilyHandle family : this.families.values()) {
					this.db.compactRange(family);
				}
			}
			// Memtables to files, so the log a crash leaves to replay at the next start holds at most
			// one sweep interval of writes: a warm restart reads files, not a long log.
			flushMemtables();
			measureSize();
			return removed;
		}
		catch (RocksDBException ex) {
			logger.warn("Sweep of the disk cache at " + this.path + " failed: " + ex.getMessage());
			return 0;
		}
		finally {
			this.open.readLock().unlock();
		}
	}

	private long evictClosestToExpiry(long size) throws RocksDBException {
		List<Long> expiries = new ArrayList<>();
		for (ColumnFamilyHandle family : this.families.values()) {
			try (RocksIterator iterator = this.db.newIterator(family, this.readOptions)) {
				for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
					expiries.add(EnvelopeCodec.expiresAtOf(iterator.value()));
				}
				iterator.status();
			}
		}
		if (expiries.isEmpty()) {
			return 0;
		}
		expiries.sort(null);
		double share = 1 - 0.9 * this.settings.maxSize() / size;
		int index = (int) Math.min(expiries.size() - 1, Math.ceil(share * expiries.size()) - 1);
		long cutoff = expiries.get(Math.max(0, index));
		long removed = 0;
		for (ColumnFamilyHandle family : this.families.values()) {
			removed += removeWhere(family, (expiresAt) -> expiresAt <= cutoff);
		}
		return removed;
	}

	private long removeWhere(ColumnFamilyHandle family, java.util.function.LongPredicate expired) throws RocksDBException {
		long removed = 0;
		try (RocksIterator iterator = this.db.newIterator(family, this.readOptions)) {
			for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
				long expiresAt = EnvelopeCodec.expiresAtOf(iterator.value());
				if (expiresAt < 0 || expired.test(expiresAt)) {
					this.db.delete(family, this.writeOptions, iterator.key());
					removed++;
				}
			}
			iterator.status();
		}
		return removed;
	}

	private <T> T call(Operation operation, String cache, RocksCall<T> call) {
		this.open.readLock().lock();
		try {
			if (this.closed.get()) {
				throw new SwrStoreException(operation, Reason.UNAVAILABLE,
						"Disk cache at " + this.path + " is closed (the application is stopping)", null);
			}
			return call.run();
		}
		catch (RocksDBException ex) {
			throw failure(operation, cache, ex);
		}
		finally {
			this.open.readLock().unlock();
		}
	}

	private SwrStoreException failure(Operation operation, String cache, RocksDBException ex) {
		Status status = ex.getStatus();
		Reason reason = Reason.OTHER;
		if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
			reason = Reason.FULL;
		}
		else if (status != null && status.getCode() == Status.Code.Corruption) {
			reason = Reason.CORRUPT;
		}
		return new SwrStoreException(operation, reason,
				"Disk cache '" + cache + "' at " + this.path + ": " + ex.getMessage(), ex);
	}

	/** Closes the database and releases the directory's lock; calls after it fail as unavailable. */
	@Override
	public void close() {
		this.open.writeLock().lock();
		try {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			// By identity: a handle's equals() asks RocksDB, which a closed handle crashes.
			Set<ColumnFamilyHandle> handles = Collections.newSetFromMap(new IdentityHashMap<>());
			handles.addAll(this.openedHandles);
			handles.addAll(this.families.values());
			handles.forEach(ColumnFamilyHandle::close);
			try {
				this.db.syncWal();
			}
			catch (RocksDBException ex) {
				logger.debug("WAL sync at close failed", ex);
			}
			this.db.close();
			closeOptions();
		}
		finally {
			this.open.writeLock().unlock();
		}
	}

	private void closeOptions() {
		this.writeOptions.close();
		this.readOptions.close();
		this.dbOptions.close();
		this.familyOptions.close();
		this.blockCache.close();
	}

	@FunctionalInterface
	private interface RocksCall<T> {

		T run() throws RocksDBException;

	}

	/**
	 * The settings of the database, from {@code swr.disk.*}.
	 *
	 * @param maxSize bytes the database may take on disk ({@code max-size})
	 * @param compression block compression ({@code compression})
	 * @param blockCacheSize bytes of uncompressed blocks kept in memory ({@code block-cache-size})
	 * @param syncWrites whether each write waits for an fsync of the log ({@code sync-writes})
	 */
	public record DiskSettings(long maxSize, CompressionType compression, long blockCacheSize, boolean syncWrites) {

		/** The memtable size: a sixteenth of {@code max-size}, between 1 MB and 64 MB. */
		long writeBufferSize() {
			return Math.max(1L << 20, Math.min(64L << 20, this.maxSize / 16));
		}

	}

}
