package dev.swr.spring.annotation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.KotlinDetector;
import org.springframework.core.MethodClassKey;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelCompilerMode;
import org.springframework.expression.spel.SpelParserConfiguration;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.util.StringValueResolver;

/**
 * Finds {@link StaleWhileRevalidate} on a method (or its class, or an interface it implements) and
 * parses it once into a {@link SwrOperation}, cached per method and target class. Every mistake in
 * an annotation fails here, at startup, with a message naming the method: a missing cache name, a
 * {@code void} method, an unparseable duration or expression, a key naming a parameter the class
 * file does not know.
 */
public class SwrOperationSource {

	private static final Pattern VARIABLE = Pattern.compile("#(?!root\\b|this\\b)([A-Za-z_$][A-Za-z0-9_$]*)");

	private static final Pattern INDEXED = Pattern.compile("[pa](\\d+)");

	private static final boolean reactorPresent = ClassUtils.isPresent("reactor.core.publisher.Mono",
			SwrOperationSource.class.getClassLoader());

	private final StringValueResolver valueResolver;

	private final SpelExpressionParser parser;

	private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();

	/** Per method and target class: the operation, or empty for a method without one. */
	private final Map<MethodClassKey, Optional<SwrOperation>> operations = new ConcurrentHashMap<>(256);

	/** Per method and target class: the evict operation, or empty for a method without one. */
	private final Map<MethodClassKey, Optional<SwrEvictOperation>> evictOperations = new ConcurrentHashMap<>(256);

	private final BiConsumer<SwrOperation, String> listener;

	/**
	 * A source resolving placeholders with {@code valueResolver}.
	 * @param valueResolver resolves {@code ${...}} in duration and flag attributes
	 * @param classLoader the class loader SpEL compiles expressions with
	 * @param listener told of every operation found, with a description of where, so the cache
	 * manager can check that methods sharing a cache agree on its windows
	 */
	public SwrOperationSource(StringValueResolver valueResolver, @Nullable ClassLoader classLoader,
			BiConsumer<SwrOperation, String> listener) {
		this.valueResolver = valueResolver;
		this.parser = new SpelExpressionParser(new SpelParserConfiguration(SpelCompilerMode.MIXED, classLoader));
		this.listener = listener;
	}

	/**
	 * The operation of {@code method} when called on {@code targetClass}, or {@code null} if it is
	 * not annotated.
	 * @throws IllegalStateException if the annotation is invalid, naming the method and the attribute
	 */
	public @Nullable SwrOperation getOperation(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		MethodClassKey cacheKey = new MethodClassKey(method, targetClass);
		Optional<SwrOperation> cached = this.operations.get(cacheKey);
		if (cached == null) {
			Optional<SwrOperation> parsed = Optional.ofNullable(parse(method, targetClass));
			Optional<SwrOperation> raced = this.operations.putIfAbsent(cacheKey, parsed);
			cached = (raced != null) ? raced : parsed;
			if (raced == null) {
				parsed.ifPresent((operation) -> this.listener.accept(operation, operation.methodDescription()));
			}
		}
		return cached.orElse(null);
	}

	/**
	 * The {@link SwrEvict} operation of {@code method} when called on {@code targetClass}, or
	 * {@code null} if it has none.
	 * @throws IllegalStateException if the annotation is invalid, naming the method and the attribute
	 */
	public @Nullable SwrEvictOperation getEvictOperation(Method method, @Nullable Class<?> targetClass) {
		if (method.getDeclaringClass() == Object.class) {
			return null;
		}
		return this.evictOperations
			.computeIfAbsent(new MethodClassKey(method, targetClass),
					(key) -> Optional.ofNullable(parseEvict(method, targetClass)))
			.orElse(null);
	}

	private @Nullable SwrEvictOperation parseEvict(Method method, @Nullable Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		SwrEvict annotation = AnnotatedElementUtils.findMergedAnnotation(specific, SwrEvict.class);
		if (annotation == null) {
			return null;
		}
		String where = "@SwrEvict on " + describe(specific);
		if (AnnotatedElementUtils.hasAnnotation(specific, StaleWhileRevalidate.class)) {
			throw new IllegalStateException(where + ": a method cannot both cache (@StaleWhileRevalidate) and evict");
		}
		if (!StringUtils.hasText(annotation.cache())) {
			throw new IllegalStateException(where + ": 'cache' must name a cache");
		}
		Expression key = parseExpression(where, "key", annotation.key());
		if (key != null) {
			checkVariables(where, specific, annotation.key());
		}
		List<Expression> tags = parseTags(where, specific, annotation.tags());
		if (annotation.allEntries() && (key != null || !tags.isEmpty())) {
			throw new IllegalStateException(where + ": 'allEntries' evicts everything; leave 'key' and 'tags' empty");
		}
		if (annotation.soft() && tags.isEmpty()) {
			throw new IllegalStateException(where + ": 'soft' makes the entries of 'tags' stale; it needs 'tags'");
		}
		boolean keyGenerated = key == null && tags.isEmpty() && !annotation.allEntries();
		return new SwrEvictOperation(specific, annotation.cache(), key, keyGenerated, tags, annotation.allEntries(),
				annotation.soft());
	}

	private List<Expression> parseTags(String where, Method method, String[] texts) {
		List<Expression> tags = new ArrayList<>(texts.length);
		for (int i = 0; i < texts.length; i++) {
			if (!StringUtils.hasText(texts[i])) {
				throw new IllegalStateException(where + ": 'tags'[" + i + "] is empty");
			}
			Expression tag = parseExpression(where, "tags[" + i + "]", texts[i]);
			checkVariables(where, method, texts[i]);
			tags.add(tag);
		}
		return tags;
	}

	private static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName() + "("
				+ String.join(", ", Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).toList()) + ")";
	}

	private @Nullable SwrOperation parse(Method method, @Nullable Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		StaleWhileRevalidate annotation = AnnotatedElementUtils.findMergedAnnotation(specific, StaleWhileRevalidate.class);
		if (annotation == null && Modifier.isPublic(specific.getModifiers())) {
			Class<?> owner = (targetClass != null) ? targetClass : specific.getDeclaringClass();
			annotation = AnnotatedElementUtils.findMergedAnnotation(owner, StaleWhileRevalidate.class);
		}
		if (annotation == null) {
			return null;
		}
		String where = "@StaleWhileRevalidate on " + describe(specific);
		if (AnnotatedElementUtils.hasAnnotation(specific, SwrEvict.class)) {
			throw new IllegalStateException(where + ": a method cannot both cache and evict (@SwrEvict)");
		}
		if (!StringUtils.hasText(annotation.cache())) {
			throw new IllegalStateException(where + ": 'cache' must name a cache");
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(specific, targetClass);
		Class<?> rawReturn = returnType.toClass();
		if (rawReturn == void.class || rawReturn == Void.class) {
			throw new IllegalStateException(where + ": a void method has no value to cache");
		}
		boolean suspending = KotlinDetector.isSuspendingFunction(specific);
		SwrOperation.ReturnKind kind = annotation.batch() ? checkBatch(where, specific, returnType, annotation)
				: suspending ? SwrOperation.ReturnKind.MONO : returnKind(rawReturn);
		if (suspending && !reactorPresent) {
			throw new IllegalStateException(where + ": a suspend function needs kotlinx-coroutines-reactor (and so "
					+ "Reactor) on the classpath, as Spring's own support for suspend functions does");
		}
		ResolvableType valueType = switch (kind) {
			case PLAIN -> returnType;
			case BATCH -> returnType.asMap().getGeneric(1);
			// A suspend function's return type, as Kotlin declares it (Spring reads it with kotlin-reflect).
			default -> suspending ? returnType : returnType.getGeneric(0);
		};
		Expression key = parseExpression(where, "key", annotation.key());
		int keyIndex = (key != null) ? checkVariables(where, specific, annotation.key()) : -1;
		Expression condition = parseExpression(where, "condition", annotation.condition());
		if (condition != null) {
			checkVariables(where, specific, annotation.condition());
		}
		Expression unless = parseExpression(where, "unless", annotation.unless());
		SwrOperation.Overrides overrides = new SwrOperation.Overrides(duration(where, "fresh", annotation.fresh()),
				duration(where, "stale", annotation.stale()), duration(where, "expired", annotation.expired()),
				duration(where, "expiredWait", annotation.expiredWait()), flag(where, "cacheNulls", annotation.cacheNulls()));
		List<Expression> tags = parseTags(where, specific, annotation.tags());
		return new SwrOperation(specific, annotation.cache(), kind, valueType, key, keyIndex, condition, unless, overrides,
				tags);
	}

	/** A batch method takes one collection of keys and returns a map, and names no key. */
	private static SwrOperation.ReturnKind checkBatch(String where, Method method, ResolvableType returnType,
			StaleWhileRevalidate annotation) {
		if (StringUtils.hasText(annotation.key())) {
			throw new IllegalStateException(where + ": batch = true takes its keys from the collection argument; "
					+ "'key' must be empty");
		}
		Class<?>[] parameters = method.getParameterTypes();
		if (parameters.length != 1 || !(parameters[0].isAssignableFrom(ArrayList.class)
				|| parameters[0].isAssignableFrom(LinkedHashSet.class))) {
			throw new IllegalStateException(where + ": batch = true needs exactly one parameter, a Collection<K>, "
					+ "List<K> or Set<K> of the keys");
		}
		if (!returnType.toClass().isAssignableFrom(LinkedHashMap.class)) {
			throw new IllegalStateException(where + ": batch = true needs the method to return Map<K, V>, not "
					+ returnType);
		}
		return SwrOperation.ReturnKind.BATCH;
	}

	private static SwrOperation.ReturnKind returnKind(Class<?> rawReturn) {
		if (rawReturn == Optional.class) {
			return SwrOperation.ReturnKind.OPTIONAL;
		}
		if (rawReturn == CompletableFuture.class) {
			return SwrOperation.ReturnKind.FUTURE;
		}
		if (reactorPresent && rawReturn.getName().equals("reactor.core.publisher.Mono")) {
			return SwrOperation.ReturnKind.MONO;
		}
		return SwrOperation.ReturnKind.PLAIN;
	}

	private @Nullable Expression parseExpression(String where, String attribute, String text) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		try {
			return this.parser.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new IllegalStateException(where + ": '" + attribute + "' is not valid SpEL: " + text + " ("
					+ ex.getMessage() + ")", ex);
		}
	}

	/**
	 * Checks that every {@code #name} in {@code text} is a parameter the class file knows.
	 * @return the parameter index when the whole expression is one parameter reference, else -1
	 */
	private int checkVariables(String where, Method method, String text) {
		String[] names = this.parameterNames.getParameterNames(method);
		String trimmed = text.trim();
		int wholeIndex = -1;
		Matcher matcher = VARIABLE.matcher(text);
		while (matcher.find()) {
			String variable = matcher.group(1);
			if (variable.equals("result")) {
				continue;
			}
			Matcher indexed = INDEXED.matcher(variable);
			int index;
			if (indexed.matches()) {
				index = Integer.parseInt(indexed.group(1));
				if (index >= method.getParameterCount()) {
					throw new IllegalStateException(where + ": '" + text + "' refers to argument " + index + " but the method has "
							+ method.getParameterCount());
				}
			}
			else if (names == null) {
				throw new IllegalStateException(where + ": '" + text + "' names the parameter '" + variable
						+ "' but the class file has no parameter names; compile with -parameters (Spring Boot's build "
						+ "plugins do) or refer to it as #p" + "<index>");
			}
			else {
				index = Arrays.asList(names).indexOf(variable);
				if (index < 0) {
					throw new IllegalStateException(where + ": '" + text + "' names '#" + variable
							+ "', which is not a parameter; the parameters are " + Arrays.toString(names));
				}
			}
			if (trimmed.equals(matcher.group())) {
				wholeIndex = index;
			}
		}
		return wholeIndex;
	}

	private @Nullable Duration duration(String where, String attribute, String text) {
		String resolved = resolve(where, attribute, text);
		if (resolved == null) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(resolved);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + ": '" + attribute + "' = \"" + text + "\" is not a duration "
					+ "(use 30s, 5m, 1h or PT30S)", ex);
		}
	}

	private @Nullable Boolean flag(String where, String attribute, String text) {
		String resolved = resolve(where, attribute, text);
		if (resolved == null) {
			return null;
		}
		if (resolved.equalsIgnoreCase("true") || resolved.equalsIgnoreCase("false")) {
			return Boolean.valueOf(resolved);
		}
		throw new IllegalStateException(where + ": '" + attribute + "' = \"" + text + "\" must be true or false");
	}

	private @Nullable String resolve(String where, String attribute, String text) {
		if (!StringUtils.hasText(text)) {
			return null;
		}
		String resolved;
		try {
			resolved = this.valueResolver.resolveStringValue(text);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(where + ": '" + attribute + "' = \"" + text + "\" cannot be resolved: "
					+ ex.getMessage(), ex);
		}
		return StringUtils.hasText(resolved) ? resolved.trim() : null;
	}

}
