package dev.swr.spring.aop;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.Expression;
import org.springframework.util.function.SingletonSupplier;

import dev.swr.core.SwrBatchLoader;
import dev.swr.core.SwrCache;
import dev.swr.core.SwrContextLoader;
import dev.swr.core.SwrResult;
import dev.swr.core.SwrTagger;
import dev.swr.spring.annotation.SwrEvictOperation;
import dev.swr.spring.annotation.SwrOperation;
import dev.swr.spring.annotation.SwrOperationSource;
import dev.swr.spring.cache.SwrCacheManager;

/**
 * Serves {@code @StaleWhileRevalidate} methods from their cache. Everything a call needs is
 * prepared once per method and target class: the parsed operation, its cache, and how to get its
 * key. A key that is a plain parameter reference ({@code #id}, {@code #p0}) is read from the
 * arguments without SpEL; other expressions are evaluated with Spring's compiled SpEL.
 * <p>
 * Misses load on the caller's thread by proceeding with the invocation; background refreshes
 * proceed with a clone of it on the refresh pool, so the rest of the advice chain still applies.
 */
public class SwrInterceptor implements MethodInterceptor {

	private final SwrOperationSource operationSource;

	private final Supplier<SwrCacheManager> cacheManager;

	private final Supplier<KeyGenerator> keyGenerator;

	private final @Nullable BeanFactory beanFactory;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	/** Per method and target class, as Spring's cache interceptor keys its metadata. */
	private final ConcurrentHashMap<MethodClassKey, Prepared> prepared = new ConcurrentHashMap<>();

	/**
	 * An interceptor; its collaborators are looked up on first use, so creating it early (advisors
	 * are) does not create the cache manager early.
	 * @param operationSource parses the annotations
	 * @param cacheManager the manager of the caches
	 * @param keyGenerator makes keys for operations without a key expression
	 * @param beanFactory resolves {@code @bean} references in expressions
	 */
	public SwrInterceptor(SwrOperationSource operationSource, Supplier<SwrCacheManager> cacheManager,
			Supplier<KeyGenerator> keyGenerator, @Nullable BeanFactory beanFactory) {
		this.operationSource = operationSource;
		this.cacheManager = SingletonSupplier.of(cacheManager);
		this.keyGenerator = SingletonSupplier.of(keyGenerator);
		this.beanFactory = beanFactory;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopProxyUtils.ultimateTargetClass(target) : null;
		Prepared call = prepare(invocation.getMethod(), targetClass);
		if (call == null) {
			return invocation.proceed();
		}
		if (call.evict != null) {
			Object result = invocation.proceed();
			evict(call, call.evict, invocation, result);
			return result;
		}
		SwrOperation operation = call.operation;
		Object[] args = invocation.getArguments();
		if (operation.condition() != null && !isTrue(operation.condition(), call, invocation, null)) {
			return invocation.proceed();
		}
		Predicate<Object> storeIf = (operation.unless() != null)
				? (value) -> !isTrue(operation.unless(), call, invocation, value) : null;
		SwrTagger<Object> tagger = operation.tags().isEmpty() ? null
				: (value) -> tags(operation.tags(), evaluationContext(call, invocation, value));
		if (operation.returnKind() == SwrOperation.ReturnKind.BATCH) {
			return batch(call, invocation, args[0], storeIf, tagger);
		}
		Object key = key(call, invocation, args);
		return switch (operation.returnKind()) {
			case PLAIN -> call.cache.getTracked(key, invocation, PROCEED, storeIf, tagger);
			case OPTIONAL -> Optional.ofNullable(call.cache.getTracked(key, invocation, PROCEED_OPTIONAL, storeIf, tagger));
			case FUTURE -> call.cache
				.getAsync(key, (k) -> (CompletableFuture<?>) proceed(invocation), storeIf, tagger)
				.thenApply(SwrResult::value);
			case MONO -> ReactorSupport.mono(call.cache, key, () -> proceed(invocation), storeIf, tagger);
			case BATCH -> throw new IllegalStateException("Answered above");
		};
	}

	/**
	 * A {@code batch = true} call: each key of the collection is read on its own, and the keys the
	 * cache cannot serve are loaded by proceeding once with a collection of only those keys. The
	 * map returned holds the keys that have a value, in the order of the collection.
	 */
	private Map<Object, Object> batch(Prepared call, MethodInvocation invocation, @Nullable Object keys,
			@Nullable Predicate<Object> storeIf, @Nullable SwrTagger<Object> tagger) {
		if (keys == null) {
			throw new IllegalArgumentException("Keys of cache '" + call.cache.name() + "' are null for a call of "
					+ call.operation.methodDescription());
		}
		boolean asList = invocation.getMethod().getParameterTypes()[0].isAssignableFrom(ArrayList.class);
		SwrBatchLoader<Object, Object> loader = (missing) -> {
			Collection<Object> asked = asList ? new ArrayList<>(missing) : new LinkedHashSet<>(missing);
			return (Map<?, ?>) proceedWith(invocation, asked);
		};
		Map<Object, SwrResult<Object>> results = call.cache.getAll((Collection<?>) keys, loader, storeIf, tagger);
		Map<Object, Object> values = new LinkedHashMap<>();
		results.forEach((key, result) -> {
			if (result.value() != null) {
				values.put(key, result.value());
			}
		});
		return values;
	}

	/** After an {@code @SwrEvict} method returned: its key, its tags, or everything. */
	private void evict(Prepared call, SwrEvictOperation operation, MethodInvocation invocation, @Nullable Object result) {
		SwrCache<Object, Object> cache = call.cache;
		if (operation.allEntries()) {
			cache.clear();
			return;
		}
		if (operation.key() != null || operation.keyGenerated()) {
			cache.evict(key(call, invocation, operation.key(), result, operation.cacheName(), operation.methodDescription()));
		}
		if (!operation.tags().isEmpty()) {
			for (String tag : tags(operation.tags(), evaluationContext(call, invocation, result))) {
				// A store failure is counted and reported; the method's own work is done and stands.
				cache.evictByTag(tag, operation.soft());
			}
		}
	}

	/**
	 * The tags {@code expressions} give: each may yield a string, a collection or an array (of
	 * anything, each element as a string), or null for none.
	 */
	static List<String> tags(List<Expression> expressions, EvaluationContext context) {
		List<String> tags = new ArrayList<>(expressions.size());
		for (Expression expression : expressions) {
			addTags(tags, expression.getValue(context));
		}
		return tags;
	}

	private static void addTags(List<String> tags, @Nullable Object value) {
		if (value == null) {
			return;
		}
		if (value instanceof Iterable<?> many) {
			many.forEach((element) -> addTags(tags, element));
		}
		else if (value instanceof Object[] array) {
			for (Object element : array) {
				addTags(tags, element);
			}
		}
		else {
			tags.add(value.toString());
		}
	}

	private @Nullable Prepared prepare(Method method, @Nullable Class<?> targetClass) {
		// A method inherited by several classes may have an operation, a cache and a key per class.
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Prepared call = this.prepared.get(cacheKey);
		if (call != null) {
			return call;
		}
		SwrOperation operation = this.operationSource.getOperation(method, targetClass);
		SwrEvictOperation evict = (operation == null) ? this.operationSource.getEvictOperation(method, targetClass) : null;
		if (operation == null && evict == null) {
			return null;
		}
		String cacheName = (operation != null) ? operation.cacheName() : evict.cacheName();
		call = new Prepared(operation, evict, targetClass, this.cacheManager.get().getSwrCache(cacheName));
		Prepared raced = this.prepared.putIfAbsent(cacheKey, call);
		return (raced != null) ? raced : call;
	}

	/** How many method and target class pairs have been prepared; for tests. */
	int preparedCount() {
		return this.prepared.size();
	}

	private Object key(Prepared call, MethodInvocation invocation, Object[] args) {
		SwrOperation operation = call.operation;
		if (operation.keyParameterIndex() >= 0) {
			return requireKey(args[operation.keyParameterIndex()], operation.cacheName(), operation.methodDescription(),
					operation.key());
		}
		return key(call, invocation, operation.key(), null, operation.cacheName(), operation.methodDescription());
	}

	/**
	 * The key {@code expression} gives a call (with {@code result} as {@code #result}), or, without
	 * one, the key generator; of a {@code @StaleWhileRevalidate} or a {@code @SwrEvict} method.
	 * @throws IllegalArgumentException if it is null, naming the cache, the method and the expression
	 */
	private Object key(Prepared call, MethodInvocation invocation, @Nullable Expression expression,
			@Nullable Object result, String cacheName, String method) {
		Object key;
		if (expression != null) {
			key = expression.getValue(evaluationContext(call, invocation, result));
		}
		else {
			// A suspend function's last argument is its continuation, which is no part of the key.
			Object[] args = invocation.getArguments();
			Object[] keyArgs = KotlinDetector.isSuspendingFunction(invocation.getMethod())
					? Arrays.copyOf(args, args.length - 1) : args;
			key = this.keyGenerator.get().generate(invocation.getThis(), invocation.getMethod(), keyArgs);
		}
		return requireKey(key, cacheName, method, expression);
	}

	private static Object requireKey(@Nullable Object key, String cacheName, String method,
			@Nullable Expression expression) {
		if (key == null) {
			throw new IllegalArgumentException("Key of cache '" + cacheName + "' is null for a call of " + method
					+ ((expression != null) ? " (key = \"" + expression.getExpressionString() + "\")" : ""));
		}
		return key;
	}

	private boolean isTrue(Expression expression, Prepared call, MethodInvocation invocation, @Nullable Object result) {
		Boolean value = expression.getValue(evaluationContext(call, invocation, result), Boolean.class);
		return Boolean.TRUE.equals(value);
	}

	private EvaluationContext evaluationContext(Prepared call, MethodInvocation invocation, @Nullable Object result) {
		Object[] args = invocation.getArguments();
		Method method = call.method();
		SwrExpressionRoot root = new SwrExpressionRoot(method, args, invocation.getThis(), call.targetClass,
				call.cache.name());
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(root, method, args,
				this.parameterNames);
		context.setVariable("result", result);
		if (this.beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(this.beanFactory));
		}
		return context;
	}

	/**
	 * Proceeds with a clone of the invocation, so a refresh on another thread runs the rest of the
	 * advice chain afresh; its exception is rethrown as it is.
	 */
	/** The loaders take the invocation as context: one instance each, nothing captured per call. */
	private static final SwrContextLoader<Object, MethodInvocation, Object> PROCEED = (key, invocation) -> proceed(
			invocation);

	private static final SwrContextLoader<Object, MethodInvocation, Object> PROCEED_OPTIONAL = (key,
			invocation) -> ((Optional<?>) proceed(invocation)).orElse(null);

	/** Proceeds with a clone of the invocation whose only argument is {@code argument}. */
	private static @Nullable Object proceedWith(MethodInvocation invocation, Object argument) throws Exception {
		if (!(invocation instanceof ProxyMethodInvocation proxied)) {
			throw new IllegalStateException("A batch method needs a Spring proxy to call it with the missing keys: "
					+ invocation.getMethod());
		}
		return proceed(proxied.invocableClone(argument));
	}

	private static @Nullable Object proceed(MethodInvocation invocation) throws Exception {
		try {
			return (invocation instanceof ProxyMethodInvocation proxied) ? proxied.invocableClone().proceed()
					: invocation.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Unexpected throwable from " + invocation.getMethod(), ex);
		}
	}

	/** What a call of one method needs, resolved once: a caching operation or an evicting one. */
	private record Prepared(@Nullable SwrOperation operation, @Nullable SwrEvictOperation evict,
			@Nullable Class<?> targetClass, SwrCache<Object, Object> cache) {

		Method method() {
			return (this.operation != null) ? this.operation.method() : this.evict.method();
		}

	}

}
