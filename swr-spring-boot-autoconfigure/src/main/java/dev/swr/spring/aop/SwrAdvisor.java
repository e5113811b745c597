package dev.swr.spring.aop;

import java.lang.reflect.Method;

import org.jspecify.annotations.Nullable;
import org.springframework.aop.ClassFilter;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractBeanFactoryPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.cache.CacheManager;

import dev.swr.spring.annotation.SwrOperationSource;

/**
 * Applies {@link SwrInterceptor} to every method that has a {@code @StaleWhileRevalidate} or
 * {@code @SwrEvict} operation. A plain advisor, as Spring's cache support has, so no AspectJ weaver is needed; its
 * order is settable. Matching a method parses its annotation, so a bad annotation fails when the
 * bean is created, at startup.
 */
public class SwrAdvisor extends AbstractBeanFactoryPointcutAdvisor {

	private static final long serialVersionUID = 1L;

	private final transient SwrOperationSource operationSource;

	private final Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, @Nullable Class<?> targetClass) {
			return SwrAdvisor.this.operationSource.getOperation(method, targetClass) != null
					|| SwrAdvisor.this.operationSource.getEvictOperation(method, targetClass) != null;
		}

		@Override
		public ClassFilter getClassFilter() {
			// Cache managers are infrastructure, not sources to cache.
			return (clazz) -> !CacheManager.class.isAssignableFrom(clazz);
		}

	};

	/** An advisor matching the methods {@code operationSource} finds an operation on. */
	public SwrAdvisor(SwrOperationSource operationSource) {
		this.operationSource = operationSource;
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

}
