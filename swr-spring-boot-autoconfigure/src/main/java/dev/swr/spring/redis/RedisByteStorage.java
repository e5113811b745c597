package dev.swr.spring.redis;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ClusterSlotHashUtil;

import dev.swr.core.serial.ByteStorage;

/**
 * The bytes of one cache in Redis, under {@code <prefix><cache>::<key>}, each key expiring at its
 * entry's {@code expiresAt} ({@code SET ... PXAT}).
 */
final class RedisByteStorage implements ByteStorage {

	private final RedisGateway redis;

	private final String keyPrefix;

	private final String scanPattern;

	private final String leasePrefix;

	private final String leaseScanPattern;

	/**
	 * @param redis the gateway
	 * @param prefix {@code swr.redis.key-prefix}
	 * @param cacheName the cache
	 */
	RedisByteStorage(RedisGateway redis, String prefix, String cacheName) {
		this.redis = redis;
		this.keyPrefix = prefix + cacheName + "::";
		this.leasePrefix = prefix + "lease:" + cacheName + "::";
		// Redis globs treat no brace as special: "{*}" matches any hash tag a lease key starts with.
		this.leaseScanPattern = "{*}" + escapeGlob(this.leasePrefix) + "*";
		this.scanPattern = escapeGlob(this.keyPrefix) + "*";
	}

	String redisKey(String key) {
		return this.keyPrefix + key;
	}

	/**
	 * The key of {@code key}'s refresh lease: {@code {<tag>}<prefix>lease:<cache>::<key>}, where the
	 * leading hash tag puts it in the Redis Cluster hash slot of the entry's own key, so that one
	 * script can fence a write by the lease (a cluster runs a script only on keys of one slot). On a
	 * single server the tag is only part of the name.
	 */
	String leaseKey(String key) {
		String entryKey = redisKey(key);
		return "{" + SlotTags.tagFor(ClusterSlotHashUtil.calculateSlot(entryKey)) + "}" + this.leasePrefix + key;
	}

	@Override
	public byte @Nullable [] get(String key) {
		return this.redis.get(redisKey(key));
	}

	/** Redis tells the length first (in the same round trip): an oversized value is not transferred. */
	@Override
	public byte @Nullable [] get(String key, int maxBytes) {
		return this.redis.get(redisKey(key), maxBytes);
	}

	@Override
	public CompletableFuture<byte @Nullable []> getAsync(String key, int maxBytes) {
		return this.redis.getAsync(redisKey(key), maxBytes);
	}

	@Override
	public boolean blocksOnRead() {
		return true;
	}

	/** Writes and ends the key's lease: a load under it started before this write and must not replace it. */
	@Override
	public void put(String key, byte[] bytes, long expiresAtEpochMillis) {
		this.redis.write(redisKey(key), leaseKey(key), bytes, expiresAtEpochMillis, null);
	}

	@Override
	public boolean putFenced(String key, byte[] bytes, long expiresAtEpochMillis, String lease) {
		return this.redis.write(redisKey(key), leaseKey(key), bytes, expiresAtEpochMillis, lease);
	}

	/** Removes the entry and ends the key's lease: a load under it must not bring the value back. */
	@Override
	public void delete(String key) {
		this.redis.evict(redisKey(key), leaseKey(key));
	}

	/**
	 * Ends the cache's leases, then removes its entries (each by SCAN and UNLINK, each scan bounded
	 * by the clear timeout): a load under a lease taken before the clear cannot write its value
	 * back after it, and a write that landed before the leases ended is removed with the rest.
	 * @return whether an entry was removed
	 */
	@Override
	public boolean clear() {
		this.redis.unlinkMatching(this.leaseScanPattern);
		return this.redis.unlinkMatching(this.scanPattern) > 0;
	}

	@Override
	public String kind() {
		return "redis";
	}

	/** Escapes Redis glob characters so a cache named {@code a*} clears only itself. */
	static String escapeGlob(String literal) {
		StringBuilder escaped = new StringBuilder(literal.length() + 8);
		for (int i = 0; i < literal.length(); i++) {
			char c = literal.charAt(i);
			if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') {
				escaped.append('\\');
			}
			escaped.append(c);
		}
		return escaped.toString();
	}

}
