package dev.swr.spring.aop;

import java.lang.reflect.Method;

/**
 * The {@code #root} of key, condition and unless expressions, as {@code @Cacheable} has it.
 *
 * @param method the annotated method
 * @param args the call's arguments
 * @param target the target object
 * @param targetClass the target's class
 * @param cacheName the cache of the call
 */
public record SwrExpressionRoot(Method method, Object[] args, Object target, Class<?> targetClass, String cacheName) {

	/** The method's name, for {@code #root.methodName}. */
	public String getMethodName() {
		return this.method.getName();
	}

	/** For {@code #root.method}. */
	public Method getMethod() {
		return this.method;
	}

	/** For {@code #root.args}. */
	public Object[] getArgs() {
		return this.args;
	}

	/** For {@code #root.target}. */
	public Object getTarget() {
		return this.target;
	}

	/** For {@code #root.targetClass}. */
	public Class<?> getTargetClass() {
		return this.targetClass;
	}

	/** For {@code #root.cacheName}. */
	public String getCacheName() {
		return this.cacheName;
	}

}
