package dev.swr.spring.redis;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.SubscriptionListener;

import dev.swr.core.SwrStoreException;
import dev.swr.core.TagMark;

/**
 * Keeps the first tiers of all instances consistent. Publishes {@code <instance> NUL <op> NUL
 * <cache> NUL <key>} on {@code swr.redis.invalidation-channel} after every tiered write, evict or
 * clear, and on a message from another instance drops the key (or the whole cache) from this
 * instance's first tier. A tag eviction is announced as op {@code T} with {@code <hard>:<soft>:<tag>}
 * in place of the key, so other instances know of it before their next check of the stored marks. When the subscription is made again after a lost connection, every first
 * tier is cleared: messages sent meanwhile were missed.
 * <p>
 * Public only so that the auto-configuration in another package can create it as a bean; it is
 * infrastructure of the redis and tiered stores, not an API for applications.
 */
public final class RedisInvalidations implements MessageListener, SubscriptionListener {

	private static final Log logger = LogFactory.getLog(RedisInvalidations.class);

	private static final char SEPARATOR = '\u0000';

	private final RedisGateway redis;

	private final String channel;

	private final String instanceId;

	private final Map<String, TieredStore> stores = new ConcurrentHashMap<>();

	private final Map<String, BiConsumer<String, TagMark>> tagListeners = new ConcurrentHashMap<>();

	private final AtomicInteger subscriptions = new AtomicInteger();

	/**
	 * @param redis the gateway
	 * @param channel {@code swr.redis.invalidation-channel}
	 * @param instanceId this instance's id, to ignore its own messages
	 */
	public RedisInvalidations(RedisGateway redis, String channel, String instanceId) {
		this.redis = redis;
		this.channel = channel;
		this.instanceId = instanceId;
	}

	void register(TieredStore store) {
		this.stores.put(store.cacheName(), store);
	}

	/** Registers who hears the tag evictions other instances make in {@code cacheName}. */
	void registerTags(String cacheName, BiConsumer<String, TagMark> listener) {
		this.tagListeners.put(cacheName, listener);
	}

	/** Announces a tag eviction: {@code T}, and {@code <hard>:<soft>:<tag>} in place of the key. */
	void publishTag(String cacheName, String tag, TagMark mark) {
		publish("T", cacheName, RedisTagMarks.instant(mark.hardAt()) + ":" + RedisTagMarks.instant(mark.softAt()) + ":"
				+ tag, SwrStoreException.Operation.EVICT);
	}

	void publishEvict(String cacheName, String key, SwrStoreException.Operation operation) {
		publish("E", cacheName, key, operation);
	}

	void publishClear(String cacheName) {
		publish("C", cacheName, "", SwrStoreException.Operation.CLEAR);
	}

	private void publish(String op, String cacheName, String key, SwrStoreException.Operation operation) {
		String message = this.instanceId + SEPARATOR + op + SEPARATOR + cacheName + SEPARATOR + key;
		this.redis.publish(this.channel, message.getBytes(StandardCharsets.UTF_8), operation);
	}

	@Override
	public void onMessage(Message message, byte[] pattern) {
		String[] parts = new String(message.getBody(), StandardCharsets.UTF_8).split(String.valueOf(SEPARATOR), 4);
		if (parts.length != 4 || parts[0].equals(this.instanceId)) {
			return;
		}
		if (parts[1].equals("T")) {
			heardTag(parts[2], parts[3]);
			return;
		}
		TieredStore store = this.stores.get(parts[2]);
		if (store == null) {
			return;
		}
		if (parts[1].equals("C")) {
			store.clearLocal();
		}
		else {
			store.dropLocal(parts[3]);
		}
	}

	private void heardTag(String cacheName, String body) {
		BiConsumer<String, TagMark> listener = this.tagListeners.get(cacheName);
		int second = body.indexOf(':', body.indexOf(':') + 1);
		if (listener == null || second < 0) {
			return;
		}
		TagMark mark = RedisTagMarks.parse(body.substring(0, second));
		if (mark != null) {
			listener.accept(body.substring(second + 1), mark);
		}
	}

	@Override
	public void onChannelSubscribed(byte[] channel, long count) {
		if (this.subscriptions.incrementAndGet() > 1) {
			this.stores.values().forEach(TieredStore::clearLocal);
			logger.info("Subscribed again to " + this.channel + " after a lost connection; cleared the local tier of "
					+ this.stores.size() + " cache(s), which may have missed invalidations");
		}
	}

	/** How many times the channel was subscribed; more than one means a reconnect happened. */
	public int subscriptions() {
		return this.subscriptions.get();
	}

	/** The id this instance signs its messages with. */
	String instanceId() {
		return this.instanceId;
	}

}
