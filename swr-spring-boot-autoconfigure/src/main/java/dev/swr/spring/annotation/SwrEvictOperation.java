package dev.swr.spring.annotation;

import java.lang.reflect.Method;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;

/**
 * One {@link SwrEvict} method, parsed once at startup.
 *
 * @param method the annotated method
 * @param cacheName the cache it evicts from
 * @param key the key expression; {@code null} with tags or all entries, or for the key generator
 * @param keyGenerated whether the key comes from the key generator (no key, no tags, not all entries)
 * @param tags the tag expressions; empty for none
 * @param allEntries whether every entry is evicted
 * @param soft whether the tags' entries become stale rather than absent
 */
public record SwrEvictOperation(Method method, String cacheName, @Nullable Expression key, boolean keyGenerated,
		List<Expression> tags, boolean allEntries, boolean soft) {

	/** Copies the tag expressions. */
	public SwrEvictOperation {
		tags = List.copyOf(tags);
	}

	/** {@code Class.method} for messages. */
	public String methodDescription() {
		return this.method.getDeclaringClass().getName() + "." + this.method.getName();
	}

}
