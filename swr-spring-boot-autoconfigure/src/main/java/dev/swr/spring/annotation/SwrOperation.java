package dev.swr.spring.annotation;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ResolvableType;
import org.springframework.expression.Expression;
import org.springframework.util.ClassUtils;

import dev.swr.core.SwrPolicy;

/**
 * One {@link StaleWhileRevalidate} method, parsed once at startup: what the interceptor needs on
 * every call, already resolved (placeholders, durations, SpEL, the value type).
 *
 * @param method the annotated method
 * @param cacheName the cache it reads and writes
 * @param returnKind how the method returns its value
 * @param valueType the type of the cached value (the return type, unwrapped from
 * {@code Optional}, {@code CompletableFuture} or {@code Mono})
 * @param key the key expression, or {@code null} for the key generator
 * @param keyParameterIndex the argument that is the key when the expression is a plain parameter
 * reference ({@code #id}, {@code #p0}), else {@code -1}; such keys are read without SpEL
 * @param condition the condition expression, or {@code null}
 * @param unless the unless expression, or {@code null}
 * @param overrides the windows the annotation sets
 * @param tags the tag expressions, evaluated at each write; empty for untagged entries
 */
public record SwrOperation(Method method, String cacheName, ReturnKind returnKind, ResolvableType valueType,
		@Nullable Expression key, int keyParameterIndex, @Nullable Expression condition, @Nullable Expression unless,
		Overrides overrides, List<Expression> tags) {

	/** Copies the tag expressions. */
	public SwrOperation {
		tags = List.copyOf(tags);
	}

	/** How an annotated method hands back its value. */
	public enum ReturnKind {

		/** The value itself. */
		PLAIN,

		/** {@code Optional<T>}: the cache holds the value, or null for an empty optional. */
		OPTIONAL,

		/** {@code CompletableFuture<T>}: the caller gets a future completed from the shared load. */
		FUTURE,

		/** Reactor's {@code Mono<T>}: a mono over the future of the shared load. */
		MONO,

		/**
		 * {@code batch = true}: {@code Map<K, V>} for one {@code Collection<K>}, each key cached on
		 * its own and the misses loaded by one call.
		 */
		BATCH

	}

	/**
	 * The settings an annotation gives; {@code null} means it leaves the setting to the defaults.
	 *
	 * @param fresh the fresh window
	 * @param stale the stale window
	 * @param expired the expired window
	 * @param expiredWait the expired wait
	 * @param cacheNulls whether null results are cached
	 */
	public record Overrides(@Nullable Duration fresh, @Nullable Duration stale, @Nullable Duration expired,
			@Nullable Duration expiredWait, @Nullable Boolean cacheNulls) {

		/** An annotation that sets nothing. */
		public static final Overrides NONE = new Overrides(null, null, null, null, null);

		/** Applies the settings that are present to {@code builder}. */
		public SwrPolicy.Builder applyTo(SwrPolicy.Builder builder) {
			if (this.fresh != null) {
				builder.fresh(this.fresh);
			}
			if (this.stale != null) {
				builder.stale(this.stale);
			}
			if (this.expired != null) {
				builder.expired(this.expired);
			}
			if (this.expiredWait != null) {
				builder.expiredWait(this.expiredWait);
			}
			if (this.cacheNulls != null) {
				builder.cacheNulls(this.cacheNulls);
			}
			return builder;
		}

	}

	/**
	 * The type of the key when it is one of the method's parameters ({@code #id}, {@code #p0}), so a
	 * key given as text (an Actuator request) can be converted to the type the cache holds; else
	 * {@code null}.
	 */
	public @Nullable Class<?> keyType() {
		if (this.returnKind == ReturnKind.BATCH) {
			Class<?> element = ResolvableType.forMethodParameter(this.method, 0).asCollection().resolveGeneric(0);
			return (element != null && element != Object.class) ? element : null;
		}
		// Boxed, as keys are: a long id and the Long elements of a batch method's list are one key type.
		return (this.keyParameterIndex >= 0)
				? ClassUtils.resolvePrimitiveIfNecessary(this.method.getParameterTypes()[this.keyParameterIndex]) : null;
	}

	/** {@code Class.method} for messages. */
	public String methodDescription() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

}
