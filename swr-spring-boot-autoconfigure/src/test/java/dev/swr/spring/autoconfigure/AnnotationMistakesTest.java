package dev.swr.spring.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.annotation.SwrEvict;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every mistake in an annotation fails startup with a message naming the method and what is wrong.
 */
class AnnotationMistakesTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class));

	private void assertStartupFails(Class<?> bean, String... fragments) {
		this.runner.withBean(bean).run((context) -> {
			assertThat(context).hasFailed();
			for (String fragment : fragments) {
				assertThat(context).getFailure().hasStackTraceContaining(fragment);
			}
		});
	}

	@Test
	void batchNeedsOneCollectionAndAMapAndNoKey() {
		assertStartupFails(BatchWithKey.class, "BatchWithKey.findAll", "'key' must be empty");
		assertStartupFails(BatchTwoParameters.class, "BatchTwoParameters.findAll", "exactly one parameter, a Collection<K>");
		assertStartupFails(BatchReturningList.class, "BatchReturningList.findAll", "return Map<K, V>");
	}

	@Test
	void evictMistakesNameTheMethod() {
		assertStartupFails(EvictAllWithKey.class, "EvictAllWithKey.changed", "'allEntries' evicts everything");
		assertStartupFails(SoftWithoutTags.class, "SoftWithoutTags.changed", "'soft' makes the entries of 'tags' stale");
		assertStartupFails(CachingAndEvicting.class, "CachingAndEvicting.find", "cannot both cache");
		assertStartupFails(EmptyTag.class, "EmptyTag.find", "'tags'[1] is empty");
		assertStartupFails(TagNamingUnknownParameter.class, "TagNamingUnknownParameter.changed",
				"'#kind', which is not a parameter");
	}

	@Test
	void unparseableDurationNamesTheMethodAndAttribute() {
		assertStartupFails(BadDuration.class, "BadDuration.find", "'fresh' = \"thirty seconds\" is not a duration");
	}

	@Test
	void negativeWindowNamesTheMethod() {
		assertStartupFails(NegativeWindow.class, "NegativeWindow.find", "'stale' must be positive");
	}

	@Test
	void voidMethodIsRefused() {
		assertStartupFails(VoidMethod.class, "VoidMethod.touch", "a void method has no value to cache");
	}

	@Test
	void unparseableSpelNamesTheMethodAndAttribute() {
		assertStartupFails(BadSpel.class, "BadSpel.find", "'key' is not valid SpEL");
	}

	@Test
	void keyNamingAnUnknownParameterListsTheParameters() {
		assertStartupFails(UnknownParameter.class, "UnknownParameter.find", "'#idd', which is not a parameter",
				"[id]");
	}

	@Test
	void missingCacheNameIsRefused() {
		assertStartupFails(NoCacheName.class, "NoCacheName.find", "'cache' must name a cache");
	}

	@Test
	void unresolvablePlaceholderNamesTheMethod() {
		assertStartupFails(UnresolvedPlaceholder.class, "UnresolvedPlaceholder.find", "catalog.fresh");
	}

	@Test
	void placeholderInADurationIsResolved() {
		this.runner.withBean(Placeholder.class).withPropertyValues("catalog.fresh=45s").run((context) -> {
			assertThat(context).hasNotFailed();
			context.getBean(Placeholder.class).find(1);
			assertThat(context.getBean(dev.swr.spring.cache.SwrCacheManager.class)
				.getSwrCache("placeholder")
				.policy()
				.windows()
				.fresh()).hasSeconds(45);
		});
	}

	@Test
	void methodsSharingACacheMustAgreeOnItsWindows() {
		assertStartupFails(Disagreeing.class, "disagree", "fresh is PT10S", "PT20S", "Disagreeing.first",
				"Disagreeing.second");
	}

	static class BadDuration {

		@StaleWhileRevalidate(cache = "c", fresh = "thirty seconds")
		public String find(long id) {
			return "x";
		}

	}

	static class NegativeWindow {

		@StaleWhileRevalidate(cache = "c", stale = "-1s")
		public String find(long id) {
			return "x";
		}

	}

	static class VoidMethod {

		@StaleWhileRevalidate(cache = "c")
		public void touch(long id) {
		}

	}

	static class BadSpel {

		@StaleWhileRevalidate(cache = "c", key = "#id +")
		public String find(long id) {
			return "x";
		}

	}

	static class UnknownParameter {

		@StaleWhileRevalidate(cache = "c", key = "#idd")
		public String find(long id) {
			return "x";
		}

	}

	static class NoCacheName {

		@StaleWhileRevalidate
		public String find(long id) {
			return "x";
		}

	}

	static class UnresolvedPlaceholder {

		@StaleWhileRevalidate(cache = "c", fresh = "${catalog.fresh}")
		public String find(long id) {
			return "x";
		}

	}

	static class Placeholder {

		@StaleWhileRevalidate(cache = "placeholder", fresh = "${catalog.fresh}")
		public String find(long id) {
			return "x";
		}

	}

	static class Disagreeing {

		@StaleWhileRevalidate(cache = "c", fresh = "10s")
		public String first(long id) {
			return "x";
		}

		@StaleWhileRevalidate(cache = "c", fresh = "20s")
		public String second(long id) {
			return "x";
		}

	}

	static class BatchWithKey {

		@StaleWhileRevalidate(cache = "b", key = "#ids", batch = true)
		public Map<Long, String> findAll(List<Long> ids) {
			return Map.of();
		}

	}

	static class BatchTwoParameters {

		@StaleWhileRevalidate(cache = "b", batch = true)
		public Map<Long, String> findAll(List<Long> ids, String locale) {
			return Map.of();
		}

	}

	static class BatchReturningList {

		@StaleWhileRevalidate(cache = "b", batch = true)
		public List<String> findAll(List<Long> ids) {
			return List.of();
		}

	}

	static class EvictAllWithKey {

		@SwrEvict(cache = "c", key = "#id", allEntries = true)
		public void changed(long id) {
		}

	}

	static class SoftWithoutTags {

		@SwrEvict(cache = "c", key = "#id", soft = true)
		public void changed(long id) {
		}

	}

	static class CachingAndEvicting {

		@StaleWhileRevalidate(cache = "c")
		@SwrEvict(cache = "c", allEntries = true)
		public String find(long id) {
			return "x";
		}

	}

	static class EmptyTag {

		@StaleWhileRevalidate(cache = "c", tags = { "'a'", " " })
		public String find(long id) {
			return "x";
		}

	}

	static class TagNamingUnknownParameter {

		@SwrEvict(cache = "c", tags = "'kind:' + #kind")
		public void changed(String category) {
		}

	}

}
