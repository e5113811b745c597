package dev.swr.spring.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.types.Expiration;
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

	/** Deletes the lease only if it still holds the caller's token: a late release never frees another's. */
	private static final ByteBuffer RELEASE_SCRIPT = utf8(
			"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end");

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final Duration commandTimeout;

	private final CircuitBreaker breaker;

	private final Object connecting = new Object();

	private volatile @Nullable ReactiveRedisConnection connection;

	private @Nullable CompletableFuture<ReactiveRedisConnection> pending;

	/**
	 * A gateway over {@code connectionFactory}.
	 * @param connectionFactory Boot's Lettuce connection factory
	 * @param commandTimeout {@code swr.redis.command-timeout}
	 */
	public RedisGateway(ReactiveRedisConnectionFactory connectionFactory, Duration commandTimeout) {
		this.connectionFactory = connectionFactory;
		this.commandTimeout = commandTimeout;
		// Opens after half of the last ten calls failed; one trial call a second decides when it closes.
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

	void set(String key, byte[] value, long expiresAtEpochMillis) {
		call(SwrStoreException.Operation.PUT, key, (redis) -> redis.stringCommands()
			.set(utf8(key), ByteBuffer.wrap(value), Expiration.unixTimestamp(expiresAtEpochMillis, TimeUnit.MILLISECONDS),
					SetOption.upsert()));
	}

	void unlink(String key) {
		call(SwrStoreException.Operation.EVICT, key, (redis) -> redis.keyCommands().unlink(utf8(key)));
	}

	/** Removes every key matching {@code pattern} by SCAN and UNLINK in batches; never KEYS. */
	long unlinkMatching(String pattern) {
		Long removed = call(SwrStoreException.Operation.CLEAR, pattern, (redis) -> redis.keyCommands()
			.scan(ScanOptions.scanOptions().match(pattern).count(500).build())
			.buffer(500)
			.concatMap((keys) -> redis.keyCommands()
				.unlink(Flux.fromIterable(keys).map(ReactiveRedisConnection.KeyCommand::new))
				.map((response) -> (response.getOutput() != null) ? response.getOutput() : 0L))
			.reduce(0L, Long::sum), Duration.ofSeconds(30));
		return (removed != null) ? removed : 0;
	}

	/** {@code SET key token NX PX ttl}: whether the lease was taken. */
	boolean setIfAbsent(String key, String token, Duration ttl) {
		Boolean taken = call(SwrStoreException.Operation.LEASE, key, (redis) -> redis.stringCommands()
			.set(utf8(key), utf8(token), Expiration.from(ttl), SetOption.ifAbsent()));
		return Boolean.TRUE.equals(taken);
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
			this.breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, failure);
			throw failure;
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
			attempt = this.pending;
		}
		try {
			ReactiveRedisConnection connected = attempt.get(this.commandTimeout.toNanos(), TimeUnit.NANOSECONDS);
			this.connection = connected;
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
