package dev.swr.spring.redis;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.swr.core.ManualClock;
import dev.swr.core.SwrEngine;
import dev.swr.core.SwrStatus;
import dev.swr.spring.annotation.StaleWhileRevalidate;
import dev.swr.spring.autoconfigure.SwrAutoConfiguration;
import dev.swr.spring.autoconfigure.SwrRedisAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With {@code spring.threads.virtual.enabled=true}, refreshes run on virtual threads, still at most
 * {@code swr.refresh.max-concurrent} at a time, and nothing of ours pins them while they wait: JFR
 * records no {@code jdk.VirtualThreadPinned} event with a frame of ours while refreshes write to
 * real Redis (which parks the thread) and their loaders block.
 */
@RealRedis
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadRefreshesTest {

	private final RedisServer redis;

	private final ManualClock clock = new ManualClock(Instant.now());

	private final Source source = new Source();

	VirtualThreadRefreshesTest(RedisServer redis) {
		this.redis = redis;
	}

	@Test
	void refreshesRunOnBoundedVirtualThreadsThatNothingOfOursPins(@TempDir Path dir) throws Exception {
		String prefix = "swr-virtual-" + UUID.randomUUID() + ":";
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, SwrRedisAutoConfiguration.class,
					SwrAutoConfiguration.class))
			.withPropertyValues("spring.threads.virtual.enabled=true", "spring.data.redis.host=" + this.redis.host(),
					"spring.data.redis.port=" + this.redis.port(), "swr.store=redis", "swr.redis.key-prefix=" + prefix,
					"swr.defaults.fresh=10s", "swr.defaults.jitter=0", "swr.refresh.max-concurrent=2")
			.withBean("swrClock", ManualClock.class, () -> this.clock)
			.withBean(Source.class, () -> this.source)
			.withBean(Catalog.class)
			.run((context) -> {
				Catalog catalog = context.getBean(Catalog.class);
				for (long id = 0; id < 8; id++) {
					catalog.find(id);
				}
				// A first round of refreshes loads the classes they use: a virtual thread waiting for a
				// class to load or initialize is pinned by the JDK, once, whoever calls.
				this.clock.advance(Duration.ofSeconds(11));
				for (long id = 0; id < 8; id++) {
					catalog.find(id);
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> this.source.loads.get() == 16);
				this.clock.advance(Duration.ofSeconds(11));
				this.source.threads.clear();
				this.source.maxRunning.set(0);
				this.source.hold = new CountDownLatch(1);
				try (Recording recording = new Recording()) {
					recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
					recording.start();
					for (long id = 0; id < 8; id++) {
						catalog.find(id);
						assertThat(SwrStatus.last()).isEqualTo(SwrStatus.STALE);
					}
					await().atMost(Duration.ofSeconds(10)).until(() -> this.source.running.get() == 2);
					assertThat(context.getBean(SwrEngine.class).refreshScheduler().activeCount()).as("bounded")
						.isEqualTo(2);
					this.source.hold.countDown();
					await().atMost(Duration.ofSeconds(20)).until(() -> this.source.loads.get() == 24);
					recording.stop();
					Path dump = Files.createTempFile(dir, "pinned", ".jfr");
					recording.dump(dump);
					assertThat(pinnedInOurCode(dump)).isEmpty();
				}
				assertThat(this.source.threads).hasSize(8).allMatch(VirtualThreadRefreshesTest::isVirtual);
				assertThat(this.source.maxRunning).hasValue(2);
			});
	}

	private static List<String> pinnedInOurCode(Path dump) throws Exception {
		List<String> pinned = new CopyOnWriteArrayList<>();
		for (RecordedEvent event : RecordingFile.readAllEvents(dump)) {
			if (event.getStackTrace() == null) {
				continue;
			}
			for (RecordedFrame frame : event.getStackTrace().getFrames()) {
				String type = frame.getMethod().getType().getName();
				if (type.startsWith("dev.swr.") && !type.contains("Test") && !type.contains("$Source")) {
					pinned.add(type + "." + frame.getMethod().getName());
				}
			}
		}
		return pinned;
	}

	private static boolean isVirtual(Thread thread) {
		try {
			Method isVirtual = Thread.class.getMethod("isVirtual");
			return (Boolean) isVirtual.invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The upstream: its refreshes block until released, and it records where they ran. */
	static class Source {

		final AtomicInteger loads = new AtomicInteger();

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxRunning = new AtomicInteger();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		volatile CountDownLatch hold = new CountDownLatch(0);

		String load(long id) throws InterruptedException {
			int now = this.running.incrementAndGet();
			this.maxRunning.accumulateAndGet(now, Math::max);
			try {
				this.threads.add(Thread.currentThread());
				assertThat(this.hold.await(20, TimeUnit.SECONDS)).isTrue();
				return "product-" + id + "#" + this.loads.incrementAndGet();
			}
			finally {
				this.running.decrementAndGet();
			}
		}

	}

	static class Catalog {

		private final Source source;

		Catalog(Source source) {
			this.source = source;
		}

		@StaleWhileRevalidate(cache = "products", key = "#id")
		public String find(long id) throws InterruptedException {
			return this.source.load(id);
		}

	}

}
