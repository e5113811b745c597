package dev.swr.spring.autoconfigure;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executor;

import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.EmbeddedValueResolver;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.cache.interceptor.KeyGenerator;
import org.springframework.cache.interceptor.SimpleKeyGenerator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.swr.core.CoarseClock;
import dev.swr.core.LoggingErrorHandler;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrErrorHandler;
import dev.swr.core.SwrContextCapture;
import dev.swr.core.SwrLoadListener;
import dev.swr.core.SwrLoadObserver;
import dev.swr.core.SwrTtlPolicy;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.JacksonJsonSerializer;
import dev.swr.core.serial.SwrSerializer;
import dev.swr.core.serial.TypeAllowList;
import dev.swr.spring.aop.SwrAdvisor;
import dev.swr.spring.aop.SwrInterceptor;
import dev.swr.spring.annotation.SwrOperationSource;
import dev.swr.spring.cache.SwrCacheManager;
import dev.swr.spring.cache.SwrCacheManagerCustomizer;
import dev.swr.spring.cache.SwrStoreFactory;
import dev.swr.spring.observation.ContextSnapshotCapture;
import dev.swr.spring.observation.ObservationLoadObserver;
import dev.swr.spring.web.SwrStatusHeaderFilter;

/**
 * Auto-configuration of stale-while-revalidate caching: the engine, the {@link SwrCacheManager},
 * and the advisor that serves {@code @StaleWhileRevalidate} methods. Runs before Spring Boot's
 * cache auto-configuration so that, with no other cache manager and no {@code spring.cache.type},
 * ours also serves {@code @Cacheable}; otherwise ours stays out of the way (see
 * {@link SwrCacheManagerConfigurations}).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnBooleanProperty(name = "swr.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SwrProperties.class)
// Additional before Primary: each one's condition must see only the application's cache managers,
// and whichever registers first makes the other's condition fail.
@Import({ SwrCacheManagerConfigurations.Additional.class, SwrCacheManagerConfigurations.Primary.class,
		SwrAutoProxyRegistrar.class })
public final class SwrAutoConfiguration {

	/** The clock of every cache: a coarse millisecond clock, stopped with the context. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean(name = "swrClock")
	CoarseClock swrClock() {
		return CoarseClock.start();
	}

	@Bean
	@ConditionalOnMissingBean(name = "swrKeyGenerator")
	KeyGenerator swrKeyGenerator() {
		return new SimpleKeyGenerator();
	}

	@Bean
	@ConditionalOnMissingBean
	SwrErrorHandler swrErrorHandler() {
		return new LoggingErrorHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	SwrSerializer swrSerializer() {
		return new JacksonJsonSerializer();
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeCodec swrEnvelopeCodec(SwrProperties properties, SwrSerializer serializer, BeanFactory beanFactory) {
		SwrProperties.Serializer settings = properties.getSerializer();
		List<String> allowed = settings.getAllowedPackages();
		if (allowed.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
			allowed = AutoConfigurationPackages.get(beanFactory);
		}
		// Checked here to name the properties; the builder's own checks name its methods.
		long threshold = SettingChecks.requireNotNegative("swr.serializer.compression-threshold",
				settings.getCompressionThreshold());
		long maxValueSize = SettingChecks.requirePositive("swr.serializer.max-value-size", settings.getMaxValueSize());
		try {
			return EnvelopeCodec.builder()
				.serializer(serializer)
				.compression(settings.getCompression())
				.compressionThreshold((int) Math.min(Integer.MAX_VALUE, threshold))
				.maxValueSize((int) Math.min(Integer.MAX_VALUE, maxValueSize))
				.allowList(TypeAllowList.of(allowed))
				.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("swr.serializer: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The engine: refreshes run on the {@code swrRefreshExecutor} bean if there is one, else on
	 * virtual threads with {@code spring.threads.virtual.enabled=true} (Java 21+), else on daemon
	 * threads of the engine's own; closing the context lets running refreshes finish within
	 * {@code swr.refresh.shutdown-timeout} and stops every engine thread. An application's own
	 * {@link SwrEngine} bean replaces it, and {@code swr.refresh.*} is then the application's
	 * business.
	 */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	SwrEngine swrEngine(SwrProperties properties, @Qualifier("swrClock") InstantSource swrClock,
			@Qualifier("swrRefreshExecutor") ObjectProvider<Executor> swrRefreshExecutor, SwrErrorHandler errorHandler,
			ObjectProvider<SwrLoadListener> loadListeners, ObjectProvider<SwrLoadObserver> loadObserver,
			ObjectProvider<SwrContextCapture> contextCapture, Environment environment) {
		SwrProperties.Refresh refresh = properties.getRefresh();
		SwrEngine.Builder builder = SwrEngine.builder()
			.clock(swrClock)
			.maxConcurrentRefreshes(refresh.getMaxConcurrent())
			.refreshQueueCapacity(refresh.getQueueCapacity())
			.errorHandler(errorHandler);
		try {
			builder.shutdownTimeout(refresh.getShutdownTimeout());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("swr.refresh.shutdown-timeout: " + ex.getMessage(), ex);
		}
		Executor refreshExecutor = swrRefreshExecutor.getIfAvailable();
		if (refreshExecutor != null) {
			builder.refreshExecutor(refreshExecutor);
		}
		else if (Threading.VIRTUAL.isActive(environment)) {
			// A virtual thread per refresh; still at most swr.refresh.max-concurrent at a time.
			builder.refreshExecutor(new VirtualThreadTaskExecutor("swr-refresh-"));
		}
		loadObserver.ifAvailable(builder::loadObserver);
		contextCapture.ifAvailable(builder::contextCapture);
		List<SwrLoadListener> listeners = loadListeners.orderedStream().toList();
		if (!listeners.isEmpty()) {
			builder.loadListener((cache, key, trigger, outcome, nanos) -> listeners
				.forEach((listener) -> listener.onLoad(cache, key, trigger, outcome, nanos)));
		}
		try {
			return builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid swr.* setting: " + ex.getMessage(), ex);
		}
	}

	static SwrCacheManager cacheManager(SwrProperties properties, SwrEngine engine, ObjectProvider<SwrTtlPolicy> ttlPolicy,
			ObjectProvider<SwrStoreFactory> storeFactory, ObjectProvider<SwrCacheManagerCustomizer> customizers) {
		SwrCacheManager manager = new SwrCacheManager(engine, properties.getDefaults(), properties.getCaches());
		SwrStoreFactory stores = storeFactory.getIfAvailable();
		if (stores != null) {
			manager.setStoreFactory(stores);
		}
		else if (properties.getStore() == SwrProperties.Store.DISK) {
			throw new IllegalStateException("swr.store=disk needs RocksDB: add org.rocksdb:rocksdbjni to the"
					+ " application's dependencies (the starter leaves it out, as it weighs tens of MB)");
		}
		else if (properties.getStore() != SwrProperties.Store.MEMORY) {
			throw new IllegalStateException("swr.store=" + properties.getStore().name().toLowerCase(java.util.Locale.ROOT)
					+ " needs a Redis connection with Lettuce: add org.springframework.boot:spring-boot-starter-data-redis"
					+ " and point spring.data.redis.* (host, port or url) at your Redis");
		}
		ttlPolicy.ifAvailable(manager::setTtlPolicy);
		manager.setTagCheckInterval(properties.getTags().getCheckInterval());
		customizers.orderedStream().forEach((customizer) -> customizer.customize(manager));
		return manager;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SwrOperationSource swrOperationSource(ConfigurableBeanFactory beanFactory,
			@Qualifier("swrCacheManager") ObjectProvider<SwrCacheManager> cacheManager) {
		return new SwrOperationSource(new EmbeddedValueResolver(beanFactory), beanFactory.getBeanClassLoader(),
				(operation, where) -> cacheManager.getObject().declare(operation));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SwrInterceptor swrInterceptor(SwrOperationSource swrOperationSource,
			@Qualifier("swrCacheManager") ObjectProvider<SwrCacheManager> cacheManager,
			@Qualifier("swrKeyGenerator") ObjectProvider<KeyGenerator> keyGenerator, BeanFactory beanFactory) {
		return new SwrInterceptor(swrOperationSource, cacheManager::getObject, keyGenerator::getObject, beanFactory);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SwrAdvisor swrAdvisor(SwrOperationSource swrOperationSource, SwrInterceptor swrInterceptor,
			Environment environment) {
		SwrAdvisor advisor = new SwrAdvisor(swrOperationSource);
		advisor.setAdvice(swrInterceptor);
		// Bound from the environment, not SwrProperties: advisors are created before most beans.
		advisor.setOrder(Binder.get(environment).bind("swr.order", Integer.class).orElse(Integer.MAX_VALUE));
		return advisor;
	}

	/**
	 * With Micrometer's Observation API: each load is an Observation ({@code swr.load}), in the
	 * trace of the request that made it when tracing is on.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	static class ObservationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SwrLoadObserver swrLoadObserver(ObjectProvider<ObservationRegistry> registry) {
			return new ObservationLoadObserver(registry.getIfAvailable(() -> ObservationRegistry.NOOP));
		}

	}

	/**
	 * With Micrometer's context-propagation: a caller's trace, MDC and registered thread-locals are
	 * carried to the refreshes and cold loads run for it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ContextSnapshotFactory.class)
	static class ContextPropagationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SwrContextCapture swrContextCapture() {
			return new ContextSnapshotCapture();
		}

	}

	/** The status headers of servlet responses ({@code swr.web.status-header}, {@code swr.web.cache-status}). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ OncePerRequestFilter.class, jakarta.servlet.Filter.class })
	static class WebConfiguration {

		@Bean
		@ConditionalOnMissingBean
		SwrStatusHeaderFilter swrStatusHeaderFilter(SwrProperties properties,
				@Qualifier("swrClock") InstantSource clock) {
			return new SwrStatusHeaderFilter(properties.getWeb().getStatusHeader(),
					properties.getWeb().isCacheStatus(), clock);
		}

	}

}
