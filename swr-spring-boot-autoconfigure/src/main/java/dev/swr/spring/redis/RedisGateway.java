package dev.swr.spring.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;
import org.springframework.util.ClassUtils;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.swr.core.SwrStoreException;

/**
 * The one place that talks to Redis. Every command is bounded by {@code swr.redis.command-timeout}
 * and guarded by a Resilience4j breaker of its own, so a slow or dead Redis costs a caller at most
 * one timeout and, once it is seen to be down, nothing at all: calls then fail at once with
 * {@link SwrStoreException} (reason {@code unavailable}) until a trial call succeeds.
 * <p>
 * Only single-key commands are sent (plus SCAN for {@code clear}), so Redis Cluster works.
 * <p>
 * Public only so that the auto-configuration in another package can create it as a bean; it is
 * infrastructure of the redis and tiered stores, not an API for applications.
 */
public final class RedisGateway implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisGateway.class);

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.cluster.RedisClusterClient",
			RedisGateway.class.getClassLoader());

	private static final long TOPOLOGY_REFRESH_GAP = TimeUnit.SECONDS.toNanos(1);


	/** Deletes the lease only if it still holds the caller's token: a late release never frees another's. */
	private static final ByteBuffer RELEASE_SCRIPT = utf8(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

	/**
	 * GET unless the value is longer than ARGV[1]: then a short marker with the length instead, so
	 * an oversized or poisoned value is never transferred. One round trip, like a GET.
	 */
	private static final ByteBuffer BOUNDED_GET_SCRIPT = utf8("local n = redis.call('strlen', KEYS[1]) "
			+ "if n > tonumber(ARGV[1]) then return '" + "\\0swr:too-large:' .. n end "
			+ "return redis.call('get', KEYS[1])");

	/**
	 * A write and its key's lease, in one step (both keys are in one hash slot, see
	 * {@link RedisByteStorage#leaseKey}). With a token (ARGV[4]), the write is fenced: made only if
	 * the lease still holds that token. Without one, the write ends any lease of the key, so that a
	 * load under that lease, which started before this write, cannot replace it when it lands.
	 */
	private static final ByteBuffer WRITE_SCRIPT = utf8("if ARGV[4] == '' then redis.call('del', KEYS[2]) "
			+ "elseif redis.call('get', KEYS[2]) ~= ARGV[4] then return 0 end "
			+ "redis.call('set', KEYS[1], ARGV[1], ARGV[2], ARGV[3]) return 1");

	/** An evict and the end of its key's lease, in one step: a load under the lease must not bring the value back. */
	private static final ByteBuffer EVICT_SCRIPT = utf8(
			"redis.call('unlink', KEYS[1]) redis.call('del', KEYS[2]) return 1");

	/**
	 * Merges a tag's mark into the cache's hash of marks (field: the tag, value {@code hard:soft} in
	 * epoch millis, empty for never): each instant only moves forward. The hash lives at least
	 * ARGV[4] ms past its last mark, as long as an entry written before that mark may live.
	 */
	private static final ByteBuffer MARK_TAG_SCRIPT = utf8("local h, s = ARGV[2], ARGV[3] "
			+ "local cur = redis.call('hget', KEYS[1], ARGV[1]) "
			+ "if cur then local ch, cs = string.match(cur, '^(%d*):(%d*)$') "
			+ "if ch and ch ~= '' and (h == '' or tonumber(ch) > tonumber(h)) then h = ch end "
			+ "if cs and cs ~= '' and (s == '' or tonumber(cs) > tonumber(s)) then s = cs end end "
			+ "redis.call('hset', KEYS[1], ARGV[1], h .. ':' .. s) "
			+ "if redis.call('pttl', KEYS[1]) < tonumber(ARGV[4]) then redis.call('pexpire', KEYS[1], ARGV[4]) end "
			+ "return 1");

	/** How a bounded GET says the value was too long; no envelope starts with a NUL byte. */
	private static final byte[] TOO_LARGE_MARKER = "\0swr:too-large:".getBytes(StandardCharsets.UTF_8);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final Duration commandTimeout;

	private final Duration clearTimeout;

	private final CircuitBreaker breaker;

	/** On a cluster, asks the client to read the topology again; {@code null} elsewhere. */
	private final @Nullable Runnable topologyRefresh;

	/** When the topology was last asked for, in {@link System#nanoTime()}; at most once a second. */
	private final AtomicLong lastTopologyRefresh = new AtomicLong(System.nanoTime() - TOPOLOGY_REFRESH_GAP);

	private final Object connecting = new Object();

	private volatile @Nullable ReactiveRedisConnection connection;

	/** Whether SET takes an absolute expiry ({@code PXAT}, Redis 6.2+) or, on older servers, a relative {@code PX}. */
	private volatile boolean absoluteExpiry = true;

	private volatile @Nullable String serverVersion;

	private @Nullable CompletableFuture<ReactiveRedisConnection> pending;

	/**
	 * A gateway over {@code connectionFactory}.
	 * @param connectionFactory Boot's Lettuce connection factory
	 * @param commandTimeout {@code swr.redis.command-timeout}
	 */
	public RedisGateway(ReactiveRedisConnectionFactory connectionFactory, Duration commandTimeout) {
		this(connectionFactory, commandTimeout, Duration.ofSeconds(10));
	}

	/**
	 * A gateway over {@code connectionFactory}.
	 * @param connectionFactory Boot's Lettuce connection factory
	 * @param commandTimeout {@code swr.redis.command-timeout}
	 * @param clearTimeout {@code swr.redis.clear-timeout}: the longest one clear's scan may take
	 */
	public RedisGateway(ReactiveRedisConnectionFactory connectionFactory, Duration commandTimeout,
			Duration clearTimeout) {
		this(connectionFactory, commandTimeout, clearTimeout,
				LETTUCE_PRESENT ? LettuceTopology.refresher(connectionFactory) : null);
	}

	/** With the topology refresh given: {@code null} for none; for tests of when it is asked. */
	RedisGateway(ReactiveRedisConnectionFactory connectionFactory, Duration commandTimeout, Duration clearTimeout,
			@Nullable Runnable topologyRefresh) {
		this.connectionFactory = connectionFactory;
		this.topologyRefresh = topologyRefresh;
		this.commandTimeout = commandTimeout;
		this.clearTimeout = clearTimeout;
		// Opens after half of the last ten calls failed, or at once on a timeout (see call); one trial
		// call a second decides when it closes.
		this.breaker = CircuitBreaker.of("swr-redis", CircuitBreakerConfig.custom()
			.slidingWindowSize(10)
			.minimumNumberOfCalls(5)
			.failureRateThreshold(50)
			.waitDurationInOpenState(Duration.ofSeconds(1))
			.permittedNumberOfCallsInHalfOpenState(1)
			.automaticTransitionFromOpenToHalfOpenEnabled(false)
			.build());
	}

	@Nullable byte[] get(String key) {
		ByteBuffer value = call(SwrStoreException.Operation.GET, key,
				(redis) -> redis.stringCommands().get(utf8(key)));
		return (value != null) ? bytes(value) : null;
	}

	/**
	 * The bytes under {@code key}, unless Redis holds more than {@code maxBytes} there: then none
	 * are transferred and the read fails with reason {@code TOO_LARGE}.
	 */
	byte @Nullable [] get(String key, int maxBytes) {
		return bounded(key, maxBytes, call(SwrStoreException.Operation.GET, key, (redis) -> boundedGet(redis, key, maxBytes)));
	}

	/**
	 * Like {@link #get(String, int)} without blocking the calling thread: the command is bounded by
	 * a Reactor timeout, and the future completes on the client's I/O thread.
	 */
	CompletableFuture<byte @Nullable []> getAsync(String key, int maxBytes) {
		return callAsync(SwrStoreException.Operation.GET, key, (redis) -> boundedGet(redis, key, maxBytes))
			.thenApply((value) -> bounded(key, maxBytes, value));
	}

	private static Mono<ByteBuffer> boundedGet(ReactiveRedisConnection redis, String key, int maxBytes) {
		return redis.scriptingCommands()
			.<ByteBuffer>eval(BOUNDED_GET_SCRIPT.duplicate(), ReturnType.VALUE, 1, utf8(key), utf8(Integer.toString(maxBytes)))
			.next();
	}

	private static byte @Nullable [] bounded(String key, int maxBytes, @Nullable ByteBuffer value) {
		if (value == null) {
			return null;
		}
		byte[] bytes = bytes(value);
		if (startsWith(bytes, TOO_LARGE_MARKER)) {
			String length = new String(bytes, TOO_LARGE_MARKER.length, bytes.length - TOO_LARGE_MARKER.length,
					StandardCharsets.UTF_8);
			throw new SwrStoreException(SwrStoreException.Operation.GET, SwrStoreException.Reason.TOO_LARGE, "Redis key '"
					+ key + "' holds " + length + " bytes, more than the " + maxBytes
					+ " an entry within max-value-size can take; not transferred", null);
		}
		return bytes;
	}

	private static boolean startsWith(byte[] bytes, byte[] prefix) {
		if (bytes.length < prefix.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (bytes[i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Writes {@code value} under {@code key} and, in the same step, either ends the key's lease
	 * ({@code token} {@code null}) or writes only if the lease at {@code leaseKey} still holds {@code token}.
	 * The expiry is {@code PXAT expiresAt} where the server has it (6.2+), else {@code PX} of what is
	 * left of the entry's life now (at least 1 ms: Redis refuses a zero or negative expiry).
	 * @return whether the value was written
	 */
	boolean write(String key, String leaseKey, byte[] value, long expiresAtEpochMillis, @Nullable String token) {
		boolean absolute = this.absoluteExpiry;
		String expiry = Long.toString(absolute ? expiresAtEpochMillis
				: Math.max(1, expiresAtEpochMillis - System.currentTimeMillis()));
		Long written = call(SwrStoreException.Operation.PUT, key, (redis) -> redis.scriptingCommands()
			.<Long>eval(WRITE_SCRIPT.duplicate(), ReturnType.INTEGER, 2, utf8(key), utf8(leaseKey), ByteBuffer.wrap(value),
					utf8(absolute ? "PXAT" : "PX"), utf8(expiry), utf8((token != null) ? token : ""))
			.next());
		return written != null && written == 1L;
	}

	/** Removes {@code key} and ends its lease at {@code leaseKey}, in one step. */
	void evict(String key, String leaseKey) {
		call(SwrStoreException.Operation.EVICT, key, (redis) -> redis.scriptingCommands()
			.eval(EVICT_SCRIPT.duplicate(), ReturnType.INTEGER, 2, utf8(key), utf8(leaseKey))
			.next());
	}

	/**
	 * Records a tag's mark in the hash {@code key}, merged with the one there.
	 * @param hardAt epoch millis, or {@code ""} for none
	 * @param softAt epoch millis, or {@code ""} for none
	 */
	void markTag(String key, String tag, String hardAt, String softAt, long retentionMillis) {
		call(SwrStoreException.Operation.EVICT, key, (redis) -> redis.scriptingCommands()
			.eval(MARK_TAG_SCRIPT.duplicate(), ReturnType.INTEGER, 1, utf8(key), utf8(tag), utf8(hardAt), utf8(softAt),
					utf8(Long.toString(Math.max(1, retentionMillis))))
			.next());
	}

	/** The values of {@code fields} in the hash {@code key}, {@code null} for a missing one, without blocking. */
	CompletableFuture<List<@Nullable String>> hashValues(String key, List<String> fields) {
		return this.<List<@Nullable String>>callAsync(SwrStoreException.Operation.GET, key,
				(redis) -> redis.hashCommands()
					.hMGet(utf8(key), fields.stream().map(RedisGateway::utf8).toList())
					.map((values) -> values.stream()
						.map((value) -> (value != null) ? StandardCharsets.UTF_8.decode(value).toString() : null)
						.toList()))
			.thenApply((values) -> (values != null) ? values : List.of());
	}

	/**
	 * Whether a server of {@code version} ({@code INFO server}'s {@code redis_version}) takes
	 * {@code SET ... PXAT}, which came in Redis 6.2; an unreadable version is taken to be current.
	 */
	static boolean supportsAbsoluteExpiry(@Nullable String version) {
		if (version == null) {
			return true;
		}
		String[] parts = version.trim().split("\\.");
		try {
			int major = Integer.parseInt(parts[0]);
			int minor = (parts.length > 1) ? Integer.parseInt(parts[1]) : 0;
			return major > 6 || (major == 6 && minor >= 2);
		}
		catch (NumberFormatException ex) {
			return true;
		}
	}

	/**
	 * Opens the connection now, at startup, rather than on the first read (whose command timeout a
	 * cold connect or a cluster's topology discovery would overrun), and reads the server's version.
	 * Waits at most {@code wait}; a Redis that is down or slow does not stop the application: the
	 * attempt goes on in the background and calls treat Redis as unavailable until it answers.
	 * @param wait how long to wait for the connection
	 * @return whether Redis answered in time
	 */
	public boolean connect(Duration wait) {
		try {
			ReactiveRedisConnection connected = startConnecting().get(wait.toNanos(), TimeUnit.NANOSECONDS);
			established(connected);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (java.util.concurrent.ExecutionException | TimeoutException | RuntimeException ex) {
			logger.warn("Redis did not answer within " + wait + " at startup; the swr stores treat it as unavailable "
					+ "until it does: " + ((ex.getCause() != null) ? ex.getCause() : ex));
		}
		return false;
	}

	/** Writes with a relative {@code PX} expiry whatever the server's version: for tests of old servers. */
	void useRelativeExpiry() {
		this.absoluteExpiry = false;
	}

	/** The server's version as it reported it, or {@code null} before the first connection. */
	public @Nullable String serverVersion() {
		return this.serverVersion;
	}

	/** Whether the connection is open (a gauge of startup and recovery; no command is sent). */
	public boolean isConnected() {
		return this.connection != null;
	}

	private void established(ReactiveRedisConnection connected) {
		if (this.connection == connected) {
			return;
		}
		this.connection = connected;
		try {
			java.util.Properties info = connected.serverCommands().info("server").block(this.commandTimeout);
			String version = (info != null) ? info.getProperty("redis_version") : null;
			this.serverVersion = version;
			this.absoluteExpiry = supportsAbsoluteExpiry(version);
			if (!this.absoluteExpiry) {
				logger.info("Redis " + version + " has no SET ... PXAT (6.2+): entries are written with a relative PX "
						+ "expiry, computed from this instance's clock at each write");
			}
		}
		catch (RuntimeException ex) {
			// Unknown: PXAT is kept, as for any current server; a failed write is counted if it is wrong.
			logger.debug("Could not read the Redis version", ex);
		}
	}

	/**
	 * Removes every key matching {@code pattern} by SCAN and UNLINK in batches; never KEYS. A PING
	 * within the command timeout comes first, so a stopped or dead Redis fails the clear after one
	 * timeout; the scan itself, whose length grows with the keyspace, is bounded by the clear timeout.
	 */
	long unlinkMatching(String pattern) {
		call(SwrStoreException.Operation.CLEAR, pattern, (redis) -> redis.ping());
		Long removed = call(SwrStoreException.Operation.CLEAR, pattern, (redis) -> redis.keyCommands()
			.scan(ScanOptions.scanOptions().match(pattern).count(500).build())
			.buffer(500)
			.concatMap((keys) -> redis.keyCommands()
				.unlink(Flux.fromIterable(keys).map(ReactiveRedisConnection.KeyCommand::new))
				.map((response) -> (response.getOutput() != null) ? response.getOutput() : 0L))
			.reduce(0L, Long::sum), this.clearTimeout);
		return (removed != null) ? removed : 0;
	}

	/**
	 * {@code SET key token NX PX ttl}: whether the lease was taken. When Redis does not answer in
	 * time the outcome is unknown: a stalled Redis still holds the command and runs it when it
	 * resumes, leaving a lease nobody releases (every instance's cold read of the key would then
	 * wait its full lock-wait). So a compare-and-delete of our token is sent at once behind it, on
	 * the same connection, without waiting: Redis runs the two in order, and no lease of ours is
	 * left behind.
	 */
	boolean setIfAbsent(String key, String token, Duration ttl) {
		try {
			Boolean taken = call(SwrStoreException.Operation.LEASE, key, (redis) -> setIfAbsent(redis, key, token, ttl));
			return Boolean.TRUE.equals(taken);
		}
		catch (SwrStoreException ex) {
			if (ex.reason() == SwrStoreException.Reason.TIMEOUT) {
				releaseBehind(key, token);
			}
			throw ex;
		}
	}

	/** Like {@link #setIfAbsent}, without blocking the calling thread. */
	CompletableFuture<Boolean> setIfAbsentAsync(String key, String token, Duration ttl) {
		return this.<Boolean>callAsync(SwrStoreException.Operation.LEASE, key, (redis) -> setIfAbsent(redis, key, token, ttl))
			.handle((taken, failure) -> {
				if (failure == null) {
					return Boolean.TRUE.equals(taken);
				}
				if (failure instanceof SwrStoreException ex && ex.reason() == SwrStoreException.Reason.TIMEOUT) {
					releaseBehind(key, token);
				}
				throw (failure instanceof RuntimeException runtime) ? runtime : new IllegalStateException(failure);
			});
	}

	private static Mono<Boolean> setIfAbsent(ReactiveRedisConnection redis, String key, String token, Duration ttl) {
		return redis.stringCommands().set(utf8(key), utf8(token), Expiration.from(ttl), SetOption.ifAbsent());
	}

	/** Sends the compare-and-delete of a lease whose SET timed out, and does not wait for it. */
	private void releaseBehind(String key, String token) {
		ReactiveRedisConnection current = this.connection;
		if (current == null) {
			return;
		}
		current.scriptingCommands()
			.eval(RELEASE_SCRIPT.duplicate(), ReturnType.INTEGER, 1, utf8(key), utf8(token))
			.next()
			.subscribe((released) -> {
			}, (failure) -> logger.debug("Release of an unconfirmed lease of '" + key + "' failed", failure));
	}

	/** Deletes {@code key} if it still holds {@code token}. */
	void deleteIfEquals(String key, String token) {
		call(SwrStoreException.Operation.LEASE, key, (redis) -> redis.scriptingCommands()
			.eval(RELEASE_SCRIPT.duplicate(), ReturnType.INTEGER, 1, utf8(key), utf8(token))
			.next());
	}

	void publish(String channel, byte[] message, SwrStoreException.Operation operation) {
		call(operation, channel, (redis) -> redis.pubSubCommands().publish(utf8(channel), ByteBuffer.wrap(message)));
	}

	/** Whether Redis answered a PING within the command timeout just now. */
	public boolean ping() {
		try {
			call(SwrStoreException.Operation.GET, "PING", (redis) -> redis.ping());
			return true;
		}
		catch (SwrStoreException ex) {
			return false;
		}
	}

	/** Whether calls currently go to Redis, or fail at once because it was seen to be down. */
	public boolean isAvailable() {
		return this.breaker.getState() != CircuitBreaker.State.OPEN;
	}

	private <T> @Nullable T call(SwrStoreException.Operation operation, String key,
			Function<ReactiveRedisConnection, Mono<T>> command) {
		return call(operation, key, command, this.commandTimeout);
	}

	private <T> @Nullable T call(SwrStoreException.Operation operation, String key,
			Function<ReactiveRedisConnection, Mono<T>> command, Duration timeout) {
		if (!this.breaker.tryAcquirePermission()) {
			throw new SwrStoreException(operation, SwrStoreException.Reason.UNAVAILABLE,
					"Redis is unreachable (recent calls failed); " + operation.tag() + " of '" + key + "' skipped", null);
		}
		long start = System.nanoTime();
		try {
			// block(timeout) waits on the subscriber's latch with a deadline: no timer is scheduled per command.
			T result = command.apply(connection()).block(timeout);
			this.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			return result;
		}
		catch (RuntimeException ex) {
			SwrStoreException failure = translate(operation, key, cause(ex));
			failed(failure, start);
			throw failure;
		}
	}

	/**
	 * A command that never blocks the calling thread: the breaker and the command timeout apply as
	 * for a blocking call (the timeout as a Reactor timer). Before the first connection exists it
	 * fails at once as unavailable and starts connecting, rather than wait for the connect.
	 */
	private <T> CompletableFuture<@Nullable T> callAsync(SwrStoreException.Operation operation, String key,
			Function<ReactiveRedisConnection, Mono<T>> command) {
		if (!this.breaker.tryAcquirePermission()) {
			return CompletableFuture.failedFuture(new SwrStoreException(operation, SwrStoreException.Reason.UNAVAILABLE,
					"Redis is unreachable (recent calls failed); " + operation.tag() + " of '" + key + "' skipped", null));
		}
		ReactiveRedisConnection current = this.connection;
		if (current == null) {
			this.breaker.releasePermission();
			startConnecting().thenAccept(this::established);
			return CompletableFuture.failedFuture(new SwrStoreException(operation, SwrStoreException.Reason.UNAVAILABLE,
					"Redis is not connected yet; " + operation.tag() + " of '" + key + "' skipped", null));
		}
		long start = System.nanoTime();
		Mono<T> bounded;
		try {
			bounded = command.apply(current).timeout(this.commandTimeout);
		}
		catch (RuntimeException ex) {
			bounded = Mono.error(ex);
		}
		CompletableFuture<@Nullable T> answered = new CompletableFuture<>();
		bounded.subscribe(answered::complete, (ex) -> {
			SwrStoreException failure = translate(operation, key, Exceptions.unwrap(ex));
			failed(failure, start);
			answered.completeExceptionally(failure);
		}, () -> {
			if (!answered.isDone()) {
				answered.complete(null);
			}
		});
		return answered.whenComplete((result, failure) -> {
			if (failure == null) {
				this.breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
			}
		});
	}

	/**
	 * Tells the breaker of a failed command; a timeout opens it at once (see {@link #call}). On a
	 * cluster, a command that timed out or found no connection may mean a primary is gone: the
	 * client is asked to read the topology again (at most once a second), so it finds the replica
	 * that takes over as soon as the cluster has promoted it.
	 */
	private void failed(SwrStoreException failure, long start) {
		if (this.topologyRefresh != null && (failure.reason() == SwrStoreException.Reason.TIMEOUT
				|| failure.reason() == SwrStoreException.Reason.UNAVAILABLE)) {
			long now = System.nanoTime();
			long last = this.lastTopologyRefresh.get();
			if (now - last >= TOPOLOGY_REFRESH_GAP && this.lastTopologyRefresh.compareAndSet(last, now)) {
				this.topologyRefresh.run();
			}
		}
		this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
		if (failure.reason() == SwrStoreException.Reason.TIMEOUT
				&& this.breaker.getState() == CircuitBreaker.State.CLOSED) {
			// A command that ran out its timeout means Redis is not answering now: the commands
			// that follow in the same read (lease, put, publish) must not each wait one more timeout.
			this.breaker.transitionToOpenState();
		}
	}

	/**
	 * The long-lived reactive connection, created on first use. Creating it may block on a connect
	 * that takes longer than the command timeout (a cold client, a busy machine): it runs on a thread
	 * of its own and is never cancelled, so callers wait at most the command timeout each and a later
	 * call finds the connection ready. A failed attempt is retried by the next call.
	 */
	private ReactiveRedisConnection connection() {
		ReactiveRedisConnection current = this.connection;
		if (current != null) {
			return current;
		}
		CompletableFuture<ReactiveRedisConnection> attempt;
		synchronized (this.connecting) {
			if (this.connection != null) {
				return this.connection;
			}
			attempt = startConnecting();
		}
		try {
			ReactiveRedisConnection connected = attempt.get(this.commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
			established(connected);
			return connected;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while connecting to Redis", ex);
		}
		catch (java.util.concurrent.ExecutionException ex) {
			throw Exceptions.propagate(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw Exceptions.propagate(ex);
		}
	}

	/** The connection attempt under way, or a new one when there is none or the last one failed. */
	private CompletableFuture<ReactiveRedisConnection> startConnecting() {
		synchronized (this.connecting) {
			if (this.pending == null || this.pending.isCompletedExceptionally()) {
				CompletableFuture<ReactiveRedisConnection> started = new CompletableFuture<>();
				Thread connector = new Thread(() -> {
					try {
						started.complete(this.connectionFactory.getReactiveConnection());
					}
					catch (Throwable ex) {
						started.completeExceptionally(ex);
					}
				}, "swr-redis-connect");
				connector.setDaemon(true);
				connector.start();
				this.pending = started;
			}
			return this.pending;
		}
	}

	/**
	 * What went wrong: a timed-out {@code block} throws an {@code IllegalStateException} caused by a
	 * {@code TimeoutException}, anything else arrives wrapped by Reactor at most once.
	 */
	private static Throwable cause(RuntimeException ex) {
		if (ex instanceof IllegalStateException && ex.getCause() instanceof TimeoutException timeout) {
			return timeout;
		}
		return Exceptions.unwrap(ex);
	}

	private SwrStoreException translate(SwrStoreException.Operation operation, String key, Throwable ex) {
		if (ex instanceof SwrStoreException storeException) {
			return storeException;
		}
		SwrStoreException.Reason reason;
		if (ex instanceof TimeoutException || ex instanceof QueryTimeoutException) {
			reason = SwrStoreException.Reason.TIMEOUT;
		}
		else if (ex instanceof RedisConnectionFailureException || isConnectionProblem(ex)) {
			reason = SwrStoreException.Reason.UNAVAILABLE;
		}
		else {
			reason = SwrStoreException.Reason.OTHER;
		}
		String message = (reason == SwrStoreException.Reason.TIMEOUT)
				? "Redis did not answer " + operation.tag() + " of '" + key + "' within " + this.commandTimeout
				: "Redis " + operation.tag() + " of '" + key + "' failed: " + ex;
		return new SwrStoreException(operation, reason, message, ex);
	}

	private static boolean isConnectionProblem(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			String name = cause.getClass().getName();
			if (name.endsWith("RedisConnectionException") || cause instanceof java.io.IOException
					|| name.endsWith("ConnectException")) {
				return true;
			}
		}
		return false;
	}

	@Override
	public void close() {
		ReactiveRedisConnection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (RuntimeException ex) {
				// Closing a connection to a dead Redis may fail; nothing is left to release.
			}
		}
	}

	static ByteBuffer utf8(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
	}

	private static byte[] bytes(ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

}
