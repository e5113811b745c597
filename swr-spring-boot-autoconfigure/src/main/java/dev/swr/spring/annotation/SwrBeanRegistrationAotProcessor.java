package dev.swr.spring.annotation;

import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import org.springframework.aot.generate.GenerationContext;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.aot.BeanRegistrationAotProcessor;
import org.springframework.beans.factory.aot.BeanRegistrationCode;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Ahead-of-time hints for the beans with {@link StaleWhileRevalidate} or {@link SwrEvict}
 * methods, for a native image: the methods are invoked reflectively (a refresh proceeds with a
 * clone of the invocation) and their parameters read by name for SpEL; the annotations are read
 * and synthesized (their {@code @AliasFor} attributes); and each method's value type, unwrapped
 * from {@code Optional}, {@code CompletableFuture}, {@code Mono} or a batch method's {@code Map}, is
 * bound by Jackson in a byte store's envelopes. On the JVM ({@code -Dspring.aot.enabled=true})
 * none of it is needed, and nothing else changes.
 */
class SwrBeanRegistrationAotProcessor implements BeanRegistrationAotProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public @Nullable BeanRegistrationAotContribution processAheadOfTime(RegisteredBean registeredBean) {
		Class<?> beanClass = registeredBean.getBeanClass();
		Set<Method> annotated = annotatedMethods(beanClass);
		if (annotated.isEmpty()) {
			return null;
		}
		return (GenerationContext generationContext, BeanRegistrationCode code) -> registerHints(
				generationContext.getRuntimeHints(), beanClass, annotated);
	}

	void registerHints(RuntimeHints hints, Class<?> beanClass, Set<Method> annotated) {
		for (Class<?> annotation : new Class<?>[] { StaleWhileRevalidate.class, SwrEvict.class }) {
			hints.reflection().registerType(annotation, MemberCategory.INVOKE_DECLARED_METHODS);
			hints.proxies().registerJdkProxy(annotation);
		}
		for (Method method : annotated) {
			hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
			ResolvableType valueType = valueType(method, beanClass);
			if (valueType != null) {
				this.bindings.registerReflectionHints(hints.reflection(), valueType.getType());
			}
		}
	}

	/** The methods of {@code beanClass} a {@code @StaleWhileRevalidate} or {@code @SwrEvict} applies to. */
	static Set<Method> annotatedMethods(Class<?> beanClass) {
		Set<Method> methods = new LinkedHashSet<>();
		boolean classLevel = AnnotatedElementUtils.hasAnnotation(beanClass, StaleWhileRevalidate.class);
		ReflectionUtils.doWithMethods(beanClass, (method) -> {
			if (AnnotatedElementUtils.hasAnnotation(method, StaleWhileRevalidate.class)
					|| AnnotatedElementUtils.hasAnnotation(method, SwrEvict.class)
					|| (classLevel && java.lang.reflect.Modifier.isPublic(method.getModifiers())
							&& method.getDeclaringClass() != Object.class)) {
				methods.add(method);
			}
		}, ReflectionUtils.USER_DECLARED_METHODS);
		return methods;
	}

	/** What a caching method's entries hold; {@code null} for an evicting or {@code void} method. */
	private static @Nullable ResolvableType valueType(Method method, Class<?> beanClass) {
		if (!AnnotatedElementUtils.hasAnnotation(method, StaleWhileRevalidate.class)
				&& !AnnotatedElementUtils.hasAnnotation(beanClass, StaleWhileRevalidate.class)) {
			return null;
		}
		ResolvableType returnType = ResolvableType.forMethodReturnType(method, beanClass);
		Class<?> raw = returnType.toClass();
		if (raw == void.class || raw == Void.class) {
			return null;
		}
		// A Map (a batch method's) is registered with its generics, so its value type is covered.
		if (raw == Optional.class || raw == CompletableFuture.class
				|| raw.getName().equals("reactor.core.publisher.Mono")) {
			return returnType.getGeneric(0);
		}
		return returnType;
	}

}
