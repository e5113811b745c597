package dev.swr.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.swr.core.SwrPolicy;
import dev.swr.core.serial.Compression;
import dev.swr.spring.cache.SwrCacheSettings;

/**
 * Configuration of stale-while-revalidate caching ({@code swr.*}).
 */
@ConfigurationProperties("swr")
public class SwrProperties {

	/** Whether stale-while-revalidate caching is enabled; false removes every swr bean. */
	private boolean enabled = true;

	/** Where cache entries are kept. */
	private Store store = Store.MEMORY;

	/**
	 * Order of the @StaleWhileRevalidate advisor among other advisors on the same method (lower runs
	 * first, outside the others). The default runs it innermost, after @Transactional and security.
	 */
	private int order = Integer.MAX_VALUE;

	/** Settings of every cache, unless a cache's own settings or its annotation say otherwise. */
	private CachePolicyProperties defaults = new CachePolicyProperties();

	/** Settings per cache name; they win over the annotation and the defaults. */
	private Map<String, CachePolicyProperties> caches = new LinkedHashMap<>();

	/** Background refreshes. */
	private final Refresh refresh = new Refresh();

	/** Serialization of values for byte stores. */
	private final Serializer serializer = new Serializer();

	/** Servlet web integration. */
	private final Web web = new Web();

	/** The redis and tiered stores. */
	private final Redis redis = new Redis();

	/** The tiered store's first tier. */
	private final Tiered tiered = new Tiered();

	/** The disk store (an embedded RocksDB). */
	private final Disk disk = new Disk();

	/** Evictions by tag. */
	private final Tags tags = new Tags();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public int getOrder() {
		return this.order;
	}

	public void setOrder(int order) {
		this.order = order;
	}

	public CachePolicyProperties getDefaults() {
		return this.defaults;
	}

	public void setDefaults(CachePolicyProperties defaults) {
		this.defaults = defaults;
	}

	public Map<String, CachePolicyProperties> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, CachePolicyProperties> caches) {
		this.caches = caches;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public Serializer getSerializer() {
		return this.serializer;
	}

	public Web getWeb() {
		return this.web;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public Tiered getTiered() {
		return this.tiered;
	}

	public Tags getTags() {
		return this.tags;
	}

	public Disk getDisk() {
		return this.disk;
	}

	/** Where entries are kept. */
	public enum Store {

		/** In this JVM, in a size-bounded Caffeine cache per cache name. */
		MEMORY,

		/** In Redis, shared by every instance (Spring Data Redis with Lettuce). */
		REDIS,

		/** In this JVM (first tier) in front of Redis (second tier), kept consistent over pub/sub. */
		TIERED,

		/**
		 * In this JVM (first tier) in front of an embedded RocksDB on local disk, which survives
		 * restarts; needs {@code org.rocksdb:rocksdbjni}.
		 */
		DISK

	}

	/**
	 * The settings of a cache. Each one left unset is taken from the next source: the annotation,
	 * then {@code swr.defaults}, then the built-in default given here.
	 */
	public static class CachePolicyProperties implements SwrCacheSettings {

		/** How long an entry is served as a HIT. Built-in default: 1m. */
		private @Nullable Duration fresh;

		/** How long after its fresh window an entry is served STALE while one refresh runs. Built-in default: 10m. */
		private @Nullable Duration stale;

		/** How long after its stale window an entry is kept to answer when the source fails or is slow. Built-in default: 1h. */
		private @Nullable Duration expired;

		/** How long a read of an expired entry waits for its refresh before it gets the old value (EXPIRED). Built-in default: 1s. */
		private @Nullable Duration expiredWait;

		/** Largest fraction, in [0, 1), by which each write's fresh window is shortened at random. Built-in default: 0.1. */
		private @Nullable Double jitter;

		/** Whether null results (and empty Optionals) are cached. Built-in default: true. */
		private @Nullable Boolean cacheNulls;

		/** Hard limit on one background load; it is then interrupted and counted as a timeout. Built-in default: 10s. */
		private @Nullable Duration refreshTimeout;

		/** Pause before a key whose refresh failed is refreshed again; doubles per consecutive failure. Built-in default: 1s. */
		private @Nullable Duration refreshBackoff;

		/** Cap of the doubling refresh backoff. Built-in default: 1m. */
		private @Nullable Duration refreshBackoffMax;

		/**
		 * Longest wait of a caller with nothing cached for a cold load; past it the caller gets a
		 * SwrLoadTimeoutException while the load goes on (up to refresh-timeout, which also caps this
		 * wait) and its value is cached. 0 loads on the caller's thread with no bound. Built-in default: 5s.
		 */
		private @Nullable Duration missTimeout;

		/**
		 * Most cold loads of a cache running at once; a caller beyond it with nothing cached gets a
		 * SwrLoadRejectedException at once. Built-in default: 32.
		 */
		private @Nullable Integer maxConcurrentMisses;

		/** Most entries a cache keeps in memory (or in L1 for the tiered store). Built-in default: 10000. */
		private @Nullable Long maximumSize;

		@Override
		public void applyTo(SwrPolicy.Builder policy) {
			if (this.fresh != null) {
				policy.fresh(this.fresh);
			}
			if (this.stale != null) {
				policy.stale(this.stale);
			}
			if (this.expired != null) {
				policy.expired(this.expired);
			}
			if (this.expiredWait != null) {
				policy.expiredWait(this.expiredWait);
			}
			if (this.jitter != null) {
				policy.jitter(this.jitter);
			}
			if (this.cacheNulls != null) {
				policy.cacheNulls(this.cacheNulls);
			}
			if (this.refreshTimeout != null) {
				policy.refreshTimeout(this.refreshTimeout);
			}
			if (this.refreshBackoff != null) {
				policy.refreshBackoff(this.refreshBackoff);
			}
			if (this.refreshBackoffMax != null) {
				policy.refreshBackoffMax(this.refreshBackoffMax);
			}
			if (this.missTimeout != null) {
				policy.missTimeout(this.missTimeout);
			}
			if (this.maxConcurrentMisses != null) {
				policy.maxConcurrentMisses(this.maxConcurrentMisses);
			}
		}

		public @Nullable Duration getFresh() {
			return this.fresh;
		}

		public void setFresh(@Nullable Duration fresh) {
			this.fresh = fresh;
		}

		public @Nullable Duration getStale() {
			return this.stale;
		}

		public void setStale(@Nullable Duration stale) {
			this.stale = stale;
		}

		public @Nullable Duration getExpired() {
			return this.expired;
		}

		public void setExpired(@Nullable Duration expired) {
			this.expired = expired;
		}

		public @Nullable Duration getExpiredWait() {
			return this.expiredWait;
		}

		public void setExpiredWait(@Nullable Duration expiredWait) {
			this.expiredWait = expiredWait;
		}

		public @Nullable Double getJitter() {
			return this.jitter;
		}

		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		public @Nullable Boolean getCacheNulls() {
			return this.cacheNulls;
		}

		public void setCacheNulls(@Nullable Boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
		}

		public @Nullable Duration getRefreshTimeout() {
			return this.refreshTimeout;
		}

		public void setRefreshTimeout(@Nullable Duration refreshTimeout) {
			this.refreshTimeout = refreshTimeout;
		}

		public @Nullable Duration getRefreshBackoff() {
			return this.refreshBackoff;
		}

		public void setRefreshBackoff(@Nullable Duration refreshBackoff) {
			this.refreshBackoff = refreshBackoff;
		}

		public @Nullable Duration getRefreshBackoffMax() {
			return this.refreshBackoffMax;
		}

		public void setRefreshBackoffMax(@Nullable Duration refreshBackoffMax) {
			this.refreshBackoffMax = refreshBackoffMax;
		}

		public @Nullable Duration getMissTimeout() {
			return this.missTimeout;
		}

		public void setMissTimeout(@Nullable Duration missTimeout) {
			this.missTimeout = missTimeout;
		}

		public @Nullable Integer getMaxConcurrentMisses() {
			return this.maxConcurrentMisses;
		}

		public void setMaxConcurrentMisses(@Nullable Integer maxConcurrentMisses) {
			this.maxConcurrentMisses = maxConcurrentMisses;
		}

		@Override
		public @Nullable Long maximumSize() {
			return this.maximumSize;
		}

		public @Nullable Long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(@Nullable Long maximumSize) {
			this.maximumSize = maximumSize;
		}

	}

	/** Background refreshes, shared by every cache. */
	public static class Refresh {

		/** Most background refreshes running at once, over all caches. */
		private int maxConcurrent = 64;

		/** Most refreshes waiting for a slot; past it, refreshes are skipped (counted as saturated). */
		private int queueCapacity = 1000;

		/** How long running refreshes may finish when the application stops; the rest are interrupted. */
		private Duration shutdownTimeout = Duration.ofSeconds(10);

		public int getMaxConcurrent() {
			return this.maxConcurrent;
		}

		public void setMaxConcurrent(int maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

	/** How values are written to byte stores (Redis). */
	public static class Serializer {

		/** Compression of payloads at or above the threshold. */
		private Compression compression = Compression.GZIP;

		/** Smallest serialized payload that is compressed. */
		private DataSize compressionThreshold = DataSize.ofKilobytes(1);

		/**
		 * Packages whose types an entry may name when no type is declared (values written through the
		 * Spring Cache API). Empty: the application's own packages (those of @SpringBootApplication).
		 */
		private List<String> allowedPackages = new ArrayList<>();

		/**
		 * Largest value payload kept in a byte store (redis, tiered): a value that serializes to
		 * more is not written, and a stored payload that is, or decompresses to, more is a miss
		 * (counted as swr.store.errors reason=too_large, never transferred from Redis). Bounds the
		 * memory a poisoned or oversized entry can take.
		 */
		private DataSize maxValueSize = DataSize.ofMegabytes(8);

		public DataSize getMaxValueSize() {
			return this.maxValueSize;
		}

		public void setMaxValueSize(DataSize maxValueSize) {
			this.maxValueSize = maxValueSize;
		}

		public Compression getCompression() {
			return this.compression;
		}

		public void setCompression(Compression compression) {
			this.compression = compression;
		}

		public DataSize getCompressionThreshold() {
			return this.compressionThreshold;
		}

		public void setCompressionThreshold(DataSize compressionThreshold) {
			this.compressionThreshold = compressionThreshold;
		}

		public List<String> getAllowedPackages() {
			return this.allowedPackages;
		}

		public void setAllowedPackages(List<String> allowedPackages) {
			this.allowedPackages = allowedPackages;
		}

	}

	/** The redis and tiered stores; the connection itself is Boot's {@code spring.data.redis.*}. */
	public static class Redis {

		/** Prefix of every key written, before {@code <cache>::<key>}. */
		private String keyPrefix = "swr:";

		/** Longest wait for one Redis command; a slower or dead Redis is a miss for reads and a dropped write. */
		private Duration commandTimeout = Duration.ofMillis(250);

		/** Whether instances take a lease per key so a stale key is refreshed by one instance at a time. */
		private boolean lease = true;

		/**
		 * How long a caller that finds no entry waits for another instance already loading the key,
		 * before it loads itself; 0 means every instance loads a cold key on its own.
		 */
		private Duration lockWait = Duration.ZERO;

		/** Pub/sub channel on which tiered instances tell each other which keys changed. */
		private String invalidationChannel = "swr:invalidation";

		/**
		 * How long startup waits for the first Redis connection (and a cluster's topology); past it
		 * the application starts anyway and the stores treat Redis as unavailable until it answers.
		 */
		private Duration connectWait = Duration.ofSeconds(5);

		/**
		 * Longest time one clear of a cache (SCAN and UNLINK over its keys, after a PING within the
		 * command timeout) may take; a clear cut short is reported, and the endpoint answers 503.
		 */
		private Duration clearTimeout = Duration.ofSeconds(10);

		public Duration getClearTimeout() {
			return this.clearTimeout;
		}

		public void setClearTimeout(Duration clearTimeout) {
			this.clearTimeout = clearTimeout;
		}

		public Duration getConnectWait() {
			return this.connectWait;
		}

		public void setConnectWait(Duration connectWait) {
			this.connectWait = connectWait;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public boolean isLease() {
			return this.lease;
		}

		public void setLease(boolean lease) {
			this.lease = lease;
		}

		public Duration getLockWait() {
			return this.lockWait;
		}

		public void setLockWait(Duration lockWait) {
			this.lockWait = lockWait;
		}

		public String getInvalidationChannel() {
			return this.invalidationChannel;
		}

		public void setInvalidationChannel(String invalidationChannel) {
			this.invalidationChannel = invalidationChannel;
		}

	}

	/** Evictions by tag. */
	public static class Tags {

		/**
		 * How long an instance trusts what it knows of a tag's evictions before it reads the marks
		 * stored in Redis or on disk again: the longest a tag eviction made on another instance can
		 * go unseen should its invalidation message be lost. 0 reads them at every read of a tagged
		 * entry.
		 */
		private Duration checkInterval = Duration.ofSeconds(1);

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/** The tiered store's first tier. */
	public static class Tiered {

		/** Longest stay of an entry in the local first tier, whatever its windows. */
		private Duration localTtl = Duration.ofSeconds(10);

		public Duration getLocalTtl() {
			return this.localTtl;
		}

		public void setLocalTtl(Duration localTtl) {
			this.localTtl = localTtl;
		}

	}

	/** The disk store: an embedded RocksDB, one per application, a column family per cache. */
	public static class Disk {

		/**
		 * Directory of the database, new or empty (or the cache's own from an earlier start); one
		 * process at a time. Unset: {@code <java.io.tmpdir>/swr-disk/<spring.application.name>}. Point
		 * it at a persistent volume for the cache to outlive the host's temporary files.
		 */
		private @Nullable Path path;

		/**
		 * Most bytes the database may take on disk: past it, a sweep evicts the entries closest to their
		 * expiry, and writes are dropped (counted as {@code reason=full}) until it has.
		 */
		private DataSize maxSize = DataSize.ofGigabytes(1);

		/** Compression of the database's blocks on disk. */
		private DiskCompression compression = DiskCompression.LZ4;

		/** Memory for uncompressed blocks read from disk, shared by every cache. */
		private DataSize blockCacheSize = DataSize.ofMegabytes(32);

		/**
		 * Whether each write waits for its log to reach the disk (fsync). Off, a write survives the
		 * process being killed (it is in the operating system's cache) but not the host losing power.
		 */
		private boolean syncWrites = false;

		/** How often expired entries are removed and their space reclaimed (and max-size enforced). */
		private Duration sweepInterval = Duration.ofMinutes(1);

		public @Nullable Path getPath() {
			return this.path;
		}

		public void setPath(@Nullable Path path) {
			this.path = path;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public DiskCompression getCompression() {
			return this.compression;
		}

		public void setCompression(DiskCompression compression) {
			this.compression = compression;
		}

		public DataSize getBlockCacheSize() {
			return this.blockCacheSize;
		}

		public void setBlockCacheSize(DataSize blockCacheSize) {
			this.blockCacheSize = blockCacheSize;
		}

		public boolean isSyncWrites() {
			return this.syncWrites;
		}

		public void setSyncWrites(boolean syncWrites) {
			this.syncWrites = syncWrites;
		}

		public Duration getSweepInterval() {
			return this.sweepInterval;
		}

		public void setSweepInterval(Duration sweepInterval) {
			this.sweepInterval = sweepInterval;
		}

	}

	/** Block compression of the disk store. */
	public enum DiskCompression {

		/** No compression. */
		NONE,

		/** LZ4: fast, modest ratio. */
		LZ4,

		/** Snappy: fast, modest ratio. */
		SNAPPY,

		/** Zstandard: slower to write, smaller. */
		ZSTD

	}

	/** Servlet web integration. */
	public static class Web {

		/** Response header carrying the most degraded cache status of the request; empty disables it. */
		private String statusHeader = "X-Cache-Status";

		/**
		 * Whether responses also carry the request's most degraded status as an RFC 9211
		 * {@code Cache-Status} header ({@code swr; hit; ttl=12}, {@code swr; fwd=miss; stored}, ...).
		 */
		private boolean cacheStatus = true;

		public boolean isCacheStatus() {
			return this.cacheStatus;
		}

		public void setCacheStatus(boolean cacheStatus) {
			this.cacheStatus = cacheStatus;
		}

		public String getStatusHeader() {
			return this.statusHeader;
		}

		public void setStatusHeader(String statusHeader) {
			this.statusHeader = statusHeader;
		}

	}

}
