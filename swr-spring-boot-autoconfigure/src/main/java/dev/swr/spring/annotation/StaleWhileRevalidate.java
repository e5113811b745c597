package dev.swr.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Caches the result of a bean method with stale-while-revalidate semantics: a fresh entry is
 * returned as it is, a stale one is returned at once while one background refresh replaces it, an
 * expired one is returned only when the source fails or is too slow.
 *
 * <pre class="code">
 * &#64;StaleWhileRevalidate(cache = "products", key = "#id", fresh = "30s")
 * public Product find(long id) { ... }
 * </pre>
 *
 * Windows come from, in order: {@code swr.caches.<cache>.*}, this annotation, {@code swr.defaults.*}.
 * Duration attributes accept {@code 30s}, {@code PT30S} and {@code ${...}} placeholders; an empty
 * attribute inherits. The method may return {@code T}, {@code Optional<T>},
 * {@code CompletableFuture<T>} or, with Reactor present, {@code Mono<T>}; not {@code void}.
 * <p>
 * As with {@code @Cacheable}, only calls through the Spring proxy are cached: a method calling
 * another annotated method of the same object is not intercepted. Key expressions that name
 * parameters ({@code #id}) need class files compiled with {@code -parameters} (Spring Boot's Maven
 * and Gradle plugins do this), or use {@code #p0}.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface StaleWhileRevalidate {

	/** Alias for {@link #cache()}. */
	@AliasFor("cache")
	String value() default "";

	/** The name of the cache; required. */
	@AliasFor("value")
	String cache() default "";

	/**
	 * SpEL for the key, evaluated against the method's arguments ({@code #id}, {@code #p0},
	 * {@code #root.methodName}, {@code @bean.method(#id)}). Empty: the arguments, through the
	 * {@code swrKeyGenerator} bean (Spring's {@code SimpleKeyGenerator} by default).
	 */
	String key() default "";

	/** How long an entry is fresh (a {@code HIT}); empty inherits. */
	String fresh() default "";

	/** How long after that it is served {@code STALE} while refreshed; empty inherits. */
	String stale() default "";

	/** How long after that it is kept as a fallback; empty inherits. */
	String expired() default "";

	/** How long a read of an expired entry waits for its refresh; empty inherits. */
	String expiredWait() default "";

	/** SpEL that must be true for the call to use the cache at all; empty means always. */
	String condition() default "";

	/**
	 * SpEL evaluated after a load, with the loaded value as {@code #result}; when true the value is
	 * returned but not cached. Empty means never.
	 */
	String unless() default "";

	/** {@code "true"} or {@code "false"} (or a placeholder): whether a null result is cached; empty inherits. */
	String cacheNulls() default "";

	/**
	 * SpEL, one expression per element, for the tags an entry is written with, evaluated at each
	 * write against the arguments and the loaded value ({@code #result}); each may yield a string,
	 * a collection or an array of strings, or null for none. {@link SwrEvict#tags()} and
	 * {@code SwrCache.evictByTag} evict by them. Example: {@code "'category:' + #result.category"}.
	 * With {@link #batch()}, evaluated per key with {@code #result} that key's value.
	 */
	String[] tags() default {};

	/**
	 * Whether the method loads many keys at once: it takes one {@code Collection<K>} (or a
	 * {@code List<K>} or {@code Set<K>}) and returns {@code Map<K, V>}. Each key is cached on its
	 * own; the keys of one call that are missing are loaded by ONE call of the method with only
	 * those keys; stale keys are served and refreshed by one background call; a key another call is
	 * loading is awaited, not loaded again. Keys the method leaves out of its map are absent (cached
	 * as such when {@code cacheNulls} is on). {@link #key()} must be empty: the keys are the
	 * collection's elements.
	 */
	boolean batch() default false;

}
