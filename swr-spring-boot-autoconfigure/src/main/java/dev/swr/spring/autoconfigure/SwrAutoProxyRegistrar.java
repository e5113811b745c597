package dev.swr.spring.autoconfigure;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes sure an auto-proxy creator applies infrastructure advisors, as {@code @EnableCaching}
 * does, so {@code @StaleWhileRevalidate} works even with {@code spring.aop.auto=false}. When Boot's
 * AOP auto-configuration has registered a more capable creator, this one call changes nothing.
 */
class SwrAutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
	}

}
