package dev.swr.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Evicts from a stale-while-revalidate cache after the annotated bean method returns (not when it
 * throws): one key, every entry carrying some tags, or every entry.
 *
 * <pre class="code">
 * &#64;SwrEvict(cache = "products", tags = "'category:' + #category", soft = true)
 * public void categoryChanged(String category) { ... }
 * </pre>
 *
 * With the redis, tiered or disk store a tag eviction holds on every instance (and after a
 * restart). A {@code soft} tag eviction makes the entries stale instead of absent: readers keep
 * getting answers ({@code STALE}) while each entry is refreshed once.
 * <p>
 * Expressions are SpEL over the method's arguments ({@code #id}, {@code #p0}) and its return
 * value ({@code #result}). Every mistake fails at startup naming the method.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Documented
public @interface SwrEvict {

	/** Alias for {@link #cache()}. */
	@AliasFor("cache")
	String value() default "";

	/** The name of the cache; required. */
	@AliasFor("value")
	String cache() default "";

	/**
	 * SpEL for the key to evict. Empty, with no {@link #tags()} and not {@link #allEntries()}: the
	 * arguments through the key generator, as {@code @CacheEvict} does.
	 */
	String key() default "";

	/**
	 * SpEL, one expression per element, for the tags whose entries are evicted; each may yield a
	 * string, a collection or an array of strings. Without {@link #key()}, only the tags are evicted.
	 */
	String[] tags() default {};

	/** Whether every entry of the cache is evicted; excludes {@link #key()} and {@link #tags()}. */
	boolean allEntries() default false;

	/** Whether the tags' entries become stale (served and refreshed) rather than absent; needs {@link #tags()}. */
	boolean soft() default false;

}
