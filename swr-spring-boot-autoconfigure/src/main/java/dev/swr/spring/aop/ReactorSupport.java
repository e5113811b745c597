package dev.swr.spring.aop;

import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrTagger;

/** {@code Mono} return types, in a class of their own so Reactor is needed only when one is used. */
final class ReactorSupport {

	private ReactorSupport() {
	}

	static Mono<?> mono(SwrCache<Object, Object> cache, Object key, Callable<@Nullable Object> invoke,
			@Nullable Predicate<Object> storeIf, @Nullable SwrTagger<Object> tagger) {
		return Mono.fromFuture(() -> cache.getAsync(key, (k) -> {
			Object mono = invoke.call();
			return (mono != null) ? ((Mono<?>) mono).toFuture() : null;
		}, storeIf, tagger), true).mapNotNull((result) -> result.value());
	}

}
