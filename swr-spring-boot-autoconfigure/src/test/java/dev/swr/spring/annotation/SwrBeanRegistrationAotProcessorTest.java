package dev.swr.spring.annotation;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;

import static org.assertj.core.api.Assertions.assertThat;

/** The native-image hints of beans with annotated methods, and none for other beans. */
class SwrBeanRegistrationAotProcessorTest {

	private final SwrBeanRegistrationAotProcessor processor = new SwrBeanRegistrationAotProcessor();

	@Test
	void aBeanWithoutAnnotatedMethodsContributesNothing() {
		assertThat(this.processor.processAheadOfTime(registered(Plain.class))).isNull();
		assertThat(this.processor.processAheadOfTime(registered(Catalog.class))).isNotNull();
	}

	@Test
	void annotatedMethodsAreInvokableTheirValueTypesBindableAndTheAnnotationsSynthesizable() {
		RuntimeHints hints = new RuntimeHints();
		this.processor.registerHints(hints, Catalog.class, SwrBeanRegistrationAotProcessor.annotatedMethods(Catalog.class));
		for (String method : List.of("find", "findOptional", "findLater", "findAll", "categoryChanged")) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Catalog.class, method)).as(method)
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Catalog.class, "notCached")).rejects(hints);
		for (Class<?> bound : List.of(Product.class, Price.class, Stock.class, Review.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).as(bound.getSimpleName()).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(StaleWhileRevalidate.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(SwrEvict.class)).accepts(hints);
	}

	private static RegisteredBean registered(Class<?> type) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(type));
		return RegisteredBean.of(beanFactory, "bean");
	}

	record Product(long id, String name) {
	}

	record Price(long cents) {
	}

	record Stock(int units) {
	}

	record Review(String text) {
	}

	static class Plain {

		public String find(long id) {
			return "x";
		}

	}

	static class Catalog {

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public Product find(long id) {
			return new Product(id, "p");
		}

		@StaleWhileRevalidate(cache = "prices", key = "#id")
		public Optional<Price> findOptional(long id) {
			return Optional.empty();
		}

		@StaleWhileRevalidate(cache = "stock", key = "#id")
		public CompletableFuture<Stock> findLater(long id) {
			return CompletableFuture.completedFuture(new Stock(1));
		}

		@StaleWhileRevalidate(cache = "reviews", batch = true)
		public Map<Long, Review> findAll(List<Long> ids) {
			return Map.of();
		}

		@SwrEvict(cache = "products", tags = "#category")
		public void categoryChanged(String category) {
		}

		public String notCached(long id) {
			return "x";
		}

	}

}
