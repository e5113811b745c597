package dev.swr.spring.aop;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.cache.SwrCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One annotated method inherited by two bean classes is prepared once per class, as Spring's
 * cache interceptor keys its metadata by method and target class: interleaved calls on the two
 * beans are each served from their own cache and key, and never re-prepared.
 */
class InheritedMethodTest {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration.class));

	@Test
	void keyNamingTheTargetClassKeepsEachClassesEntriesApart() {
		this.runner.withUserConfiguration(ShelvesConfiguration.class).run((context) -> {
			Books books = context.getBean(Books.class);
			Records records = context.getBean(Records.class);
			for (int round = 0; round < 3; round++) {
				assertThat(books.find(1)).isEqualTo("Books-1#1");
				assertThat(SwrStatus.last()).isEqualTo((round == 0) ? SwrStatus.MISS : SwrStatus.HIT);
				assertThat(records.find(1)).isEqualTo("Records-1#1");
				assertThat(SwrStatus.last()).isEqualTo((round == 0) ? SwrStatus.MISS : SwrStatus.HIT);
			}
			Cache shelves = context.getBean(SwrCacheManager.class).getCache("shelves");
			assertThat(shelves.get("Books:1").get()).isEqualTo("Books-1#1");
			assertThat(shelves.get("Records:1").get()).isEqualTo("Records-1#1");
			assertThat(books.loads()).isOne();
			assertThat(records.loads()).isOne();
			assertThat(context.getBean(SwrInterceptor.class).preparedCount()).isEqualTo(2);
		});
	}

	@Test
	void classLevelAnnotationsPutEachClassesCallsInItsOwnCache() {
		this.runner.withUserConfiguration(ArchivesConfiguration.class).run((context) -> {
			BookArchive books = context.getBean(BookArchive.class);
			MusicArchive music = context.getBean(MusicArchive.class);
			for (int round = 0; round < 3; round++) {
				assertThat(books.find(7)).isEqualTo("BookArchive-7#1");
				assertThat(music.find(7)).isEqualTo("MusicArchive-7#1");
			}
			SwrCacheManager manager = context.getBean(SwrCacheManager.class);
			assertThat(manager.getCache("books").get(7L).get()).isEqualTo("BookArchive-7#1");
			assertThat(manager.getCache("music").get(7L).get()).isEqualTo("MusicArchive-7#1");
			assertThat(context.getBean(SwrInterceptor.class).preparedCount()).isEqualTo(2);
		});
	}

	/** The annotated method is declared once, here, and inherited as it is. */
	public abstract static class Shelf {

		private final AtomicInteger loads = new AtomicInteger();

		@StaleWhileRevalidate(cache = "shelves", key = "#root.targetClass.simpleName + ':' + #id")
		public String find(long id) {
			return getClass().getSimpleName() + "-" + id + "#" + this.loads.incrementAndGet();
		}

		/** Calls of {@link #find} that reached this object; through the proxy, read from the target. */
		public int loads() {
			return this.loads.get();
		}

	}

	public static class Books extends Shelf {

	}

	public static class Records extends Shelf {

	}

	@Configuration(proxyBeanMethods = false)
	static class ShelvesConfiguration {

		@Bean
		Books books() {
			return new Books();
		}

		@Bean
		Records records() {
			return new Records();
		}

	}

	/** Not annotated itself: each subclass names its cache on the class. */
	public abstract static class Archive {

		private final AtomicInteger loads = new AtomicInteger();

		public String find(long id) {
			return getClass().getSimpleName() + "-" + id + "#" + this.loads.incrementAndGet();
		}

	}

	@StaleWhileRevalidate(cache = "books", key = "#id")
	public static class BookArchive extends Archive {

	}

	@StaleWhileRevalidate(cache = "music", key = "#id")
	public static class MusicArchive extends Archive {

	}

	@Configuration(proxyBeanMethods = false)
	static class ArchivesConfiguration {

		@Bean
		BookArchive bookArchive() {
			return new BookArchive();
		}

		@Bean
		MusicArchive musicArchive() {
			return new MusicArchive();
		}

	}

}
