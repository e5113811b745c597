package dev.swr.spring.kotlin

import dev.swr.core.ManualClock
import dev.swr.core.SwrStatus
import dev.swr.spring.annotation.StaleWhileRevalidate
import dev.swr.spring.autoconfigure.SwrAutoConfiguration
import dev.swr.spring.cache.SwrCacheManager
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatExceptionOfType
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.Test
import org.springframework.boot.autoconfigure.AutoConfigurations
import org.springframework.boot.test.context.runner.ApplicationContextRunner
import java.time.Duration
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger

/**
 * `suspend` functions annotated with `@StaleWhileRevalidate`: statuses, single flight across
 * coroutines, and exceptions unchanged, as for a `Mono` method.
 */
class SuspendFunctionsTest {

	private val clock = ManualClock(Instant.parse("2026-12-06T00:00:00Z"))

	private val runner = ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SwrAutoConfiguration::class.java))
		.withPropertyValues("swr.defaults.fresh=10s", "swr.defaults.jitter=0")
		.withBean("swrClock", ManualClock::class.java, { clock })
		.withBean(Catalog::class.java)

	@Test
	fun `an exception of the source reaches the caller unchanged and the key stays free`() {
		runner.run { context ->
			val catalog = context.getBean(Catalog::class.java)
			repeat(2) {
				assertThatExceptionOfType(CatalogDown::class.java)
					.isThrownBy { runBlocking { catalog.failing(1) } }
					.withMessage("catalog down for 1")
			}
			assertThat(catalog.failures()).isEqualTo(2)
		}
	}

	@Test
	fun `a suspend function answers MISS then HIT then STALE and refreshes once`() {
		runner.run { context ->
			val catalog = context.getBean(Catalog::class.java)
			runBlocking {
				assertThat(catalog.find(1)).isEqualTo(Product(1, "product-1#1"))
				assertThat(catalog.find(1)).isEqualTo(Product(1, "product-1#1"))
			}
			assertThat(catalog.loads()).isEqualTo(1)
			clock.advance(Duration.ofSeconds(11))
			runBlocking { assertThat(catalog.find(1)).isEqualTo(Product(1, "product-1#1")) }
			await().atMost(Duration.ofSeconds(10)).until { catalog.loads() == 2 }
			runBlocking { assertThat(catalog.find(1)).isEqualTo(Product(1, "product-1#2")) }
			val stats = context.getBean(SwrCacheManager::class.java).getSwrCache("products").stats().snapshot()
			assertThat(stats.gets(SwrStatus.MISS)).isEqualTo(1)
			assertThat(stats.gets(SwrStatus.HIT)).isEqualTo(2)
			assertThat(stats.gets(SwrStatus.STALE)).isEqualTo(1)
		}
	}

	@Test
	fun `concurrent coroutines of a cold key share one load`() {
		runner.run { context ->
			val catalog = context.getBean(Catalog::class.java)
			val release = CompletableDeferred<Unit>()
			catalog.hold = release
			val answers = runBlocking(Dispatchers.Default) {
				val calls = (1..50).map { async { catalog.find(7) } }
				// Suspends, not blocks: the dispatcher's few threads run the 50 calls.
				withTimeout(10_000) {
					while (catalog.started() == 0) {
						delay(5)
					}
				}
				release.complete(Unit)
				withTimeout(10_000) { calls.awaitAll() }
			}
			assertThat(answers).hasSize(50).allMatch { it == Product(7, "product-7#1") }
			assertThat(catalog.loads()).isEqualTo(1)
		}
	}

	@Test
	fun `the default key leaves the continuation out`() {
		runner.run { context ->
			val catalog = context.getBean(Catalog::class.java)
			runBlocking {
				assertThat(catalog.byDefaultKey(5)).isEqualTo(Product(5, "product-5#1"))
				assertThat(catalog.byDefaultKey(5)).isEqualTo(Product(5, "product-5#1"))
			}
			assertThat(catalog.loads()).isEqualTo(1)
		}
	}

	data class Product(val id: Long, val name: String)

	class CatalogDown(message: String) : RuntimeException(message)

	open class Catalog {

		private val loads = AtomicInteger()

		private val started = AtomicInteger()

		private val failures = AtomicInteger()

		@Volatile
		var hold: CompletableDeferred<Unit>? = null

		open fun loads(): Int = loads.get()

		open fun started(): Int = started.get()

		open fun failures(): Int = failures.get()

		@StaleWhileRevalidate(cache = "products", key = "#id")
		open suspend fun find(id: Long): Product {
			started.incrementAndGet()
			hold?.await()
			delay(1)
			return Product(id, "product-$id#${loads.incrementAndGet()}")
		}

		@StaleWhileRevalidate(cache = "byDefaultKey")
		open suspend fun byDefaultKey(id: Long): Product {
			delay(1)
			return Product(id, "product-$id#${loads.incrementAndGet()}")
		}

		@StaleWhileRevalidate(cache = "failing", key = "#id")
		open suspend fun failing(id: Long): Product {
			failures.incrementAndGet()
			throw CatalogDown("catalog down for $id")
		}

	}

}
