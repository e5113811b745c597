package dev.swr.spring.redis;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.swr.core.serial.ByteStorage;

/**
 * The bytes of one cache in Redis, under {@code <prefix><cache>::<key>}, each key expiring at its
 * entry's {@code expiresAt} ({@code SET ... PXAT}).
 */
final class RedisByteStorage implements ByteStorage {

	private final RedisGateway redis;

	private final String keyPrefix;

	private final String scanPattern;

	/**
	 * @param redis the gateway
	 * @param prefix {@code swr.redis.key-prefix}
	 * @param cacheName the cache
	 */
	RedisByteStorage(RedisGateway redis, String prefix, String cacheName) {
		this.redis = redis;
		this.keyPrefix = prefix + cacheName + "::";
		this.scanPattern = escapeGlob(this.keyPrefix) + "*";
	}

	String redisKey(String key) {
		return this.keyPrefix + key;
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

	@Override
	public void put(String key, byte[] bytes, long expiresAtEpochMillis) {
		this.redis.set(redisKey(key), bytes, expiresAtEpochMillis);
	}

	@Override
	public void delete(String key) {
		this.redis.unlink(redisKey(key));
	}

	@Override
	public boolean clear() {
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
