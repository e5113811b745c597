package dev.swr.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.swr.core.SwrCache;
import dev.swr.core.SwrLoader;
import dev.swr.core.SwrStatus;
import dev.swr.core.SwrTagger;
import dev.swr.spring.cache.SwrCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Scenario 9 (issue 15): how long after instance A evicts a tag instance B stops serving the tagged
 * entries. Two Spring contexts in this JVM with {@code swr.store=tiered} on the local Redis (the
 * two-instance shape of the tests), a key prefix and invalidation channel of this run's own. Each
 * round loads {@code entries} entries tagged {@code round:<n>} on A, reads them on B (which keeps
 * them in its first tier), then a thread on B reads one of them in a tight loop while A calls
 * {@code evictByTag(tag, false)}: the latency runs from just before that call to B's first
 * {@code getEntry} that answers {@code null}. One clock ({@link System#nanoTime()}) for both, as both
 * run here. Every entry of the round is then checked gone on both instances. Beside it: how long A's
 * call took, and when a plain subscription of B's connection factory heard A's announcement (the
 * message's own travel, before the instance's listener container dispatches it).
 * <p>
 * Two cases. Message: B listens on A's channel and learns the mark from A's announcement; B's own
 * check of the marks in Redis happened when it read the round's entries, so within the round (far
 * shorter than {@code swr.tags.check-interval}) only the message can tell it. Lost: B listens on
 * another channel and hears nothing; it sees the eviction when its next check of the marks in Redis
 * comes due, at most {@code swr.tags.check-interval} (default 1 s, used here) after its last one. A
 * pause drawn uniformly from that interval between B's last check and A's eviction stands for an
 * eviction at an arbitrary time; the program also prints the time from B's last check to the answer,
 * which the interval bounds. The first rounds of each case only warm up and are not reported.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.swr.benchmarks.TagEvictionLatencyProgram
 * [rounds] [entries] [lost-rounds]} (default 200, 100, 30).
 */
public final class TagEvictionLatencyProgram {

	private static final int WARM_UP_ROUNDS = 20;

	private static final int LOST_WARM_UP_ROUNDS = 3;

	private static final long CHECK_INTERVAL_MILLIS = 1000;

	private static final SwrLoader<Object, Object> LOADER = (id) -> Product.of((Long) id);

	private TagEvictionLatencyProgram() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 200;
		int entries = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		int lostRounds = (args.length > 2) ? Integer.parseInt(args[2]) : 30;
		String prefix = SpringContexts.uniqueRedisPrefix("tag-latency");
		String channel = prefix + "invalidation";
		List<ConfigurableApplicationContext> contexts = new ArrayList<>();
		RedisConnection plain = null;
		try {
			ConfigurableApplicationContext a = start(contexts, prefix, channel);
			ConfigurableApplicationContext b = start(contexts, prefix, channel);
			ConfigurableApplicationContext deaf = start(contexts, prefix, prefix + "another-channel");
			plain = b.getBean(RedisConnectionFactory.class).getConnection();
			PlainSubscriber heard = new PlainSubscriber();
			plain.subscribe(heard, channel.getBytes(StandardCharsets.UTF_8));
			System.out.printf("%d entries a round, tag-check-interval %d ms (the default), Redis on 127.0.0.1:6379%n%n",
					entries, CHECK_INTERVAL_MILLIS);
			System.out.println("| case | rounds | p50 | p99 | max | min | A's evictByTag call, p50 "
					+ "| a plain subscriber heard A's message, p50 | B after the plain subscriber, p50 "
					+ "| from B's last check of the marks, p50 / max | B's reads of the round's entries |");
			System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
			Cases cases = new Cases(cache(a), entries);
			System.out.println(cases.run("message (B on A's channel)", cache(b), WARM_UP_ROUNDS, rounds, null, heard));
			System.out.println(cases.run("lost (B on another channel)", cache(deaf), LOST_WARM_UP_ROUNDS, lostRounds,
					new Random(15), null));
		}
		finally {
			if (plain != null) {
				plain.close();
			}
			if (!contexts.isEmpty()) {
				long deleted = SpringContexts.deleteKeys(contexts.get(0).getBean(RedisConnectionFactory.class), prefix);
				System.out.printf("%n(deleted %d Redis keys under %s)%n", deleted, prefix);
			}
			for (ConfigurableApplicationContext context : contexts) {
				context.close();
			}
		}
	}

	private static ConfigurableApplicationContext start(List<ConfigurableApplicationContext> contexts, String prefix,
			String channel) {
		ConfigurableApplicationContext context = SpringContexts.start(RedisStoreBenchmark.RedisConfiguration.class,
				"swr.store=tiered", "swr.redis.key-prefix=" + prefix, "swr.redis.invalidation-channel=" + channel,
				// Values written through the engine API declare no type: name the one they may hold.
				"swr.serializer.allowed-packages=" + Product.class.getPackageName());
		contexts.add(context);
		SpringContexts.warmRedis(context);
		return context;
	}

	private static SwrCache<Object, Object> cache(ConfigurableApplicationContext context) {
		return context.getBean(SwrCacheManager.class).getSwrCache("tagged");
	}

	/** The rounds of both cases, on keys and tags no earlier round used. */
	private static final class Cases {

		private final SwrCache<Object, Object> a;

		private final int entries;

		private int round;

		Cases(SwrCache<Object, Object> a, int entries) {
			this.a = a;
			this.entries = entries;
		}

		/**
		 * Runs {@code warmUp} rounds, then {@code measured} rounds, and returns their table row.
		 * @param pauses draws the pause between B's check of the marks and the eviction, or
		 * {@code null} for none
		 * @param heard a plain subscriber of the channel B listens on, or {@code null}
		 */
		String run(String label, SwrCache<Object, Object> b, int warmUp, int measured, Random pauses,
				PlainSubscriber heard) throws InterruptedException {
			long[] latencies = new long[measured];
			long[] evictCalls = new long[measured];
			long[] plainHeard = new long[measured];
			long[] afterPlain = new long[measured];
			long[] sinceCheck = new long[measured];
			Map<SwrStatus, Integer> bStatuses = new EnumMap<>(SwrStatus.class);
			for (int i = -warmUp; i < measured; i++) {
				Round round = round(b, pauses, heard, bStatuses);
				if (i >= 0) {
					latencies[i] = round.latency;
					evictCalls[i] = round.evictCall;
					plainHeard[i] = round.plainHeard;
					afterPlain[i] = round.latency - round.plainHeard;
					sinceCheck[i] = round.sinceCheck;
				}
			}
			for (long[] figures : List.of(latencies, evictCalls, plainHeard, afterPlain, sinceCheck)) {
				Arrays.sort(figures);
			}
			return String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |", label, measured,
					BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(latencies, 0.50)),
					BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(latencies, 0.99)),
					BenchmarkSupport.formatNanos(latencies[measured - 1]), BenchmarkSupport.formatNanos(latencies[0]),
					BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(evictCalls, 0.50)),
					(heard != null) ? BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(plainHeard, 0.50)) : "—",
					(heard != null) ? BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(afterPlain, 0.50)) : "—",
					(pauses != null) ? BenchmarkSupport.formatNanos(BenchmarkSupport.percentile(sinceCheck, 0.50)) + " / "
							+ BenchmarkSupport.formatNanos(sinceCheck[measured - 1]) : "—",
					bStatuses);
		}

		private Round round(SwrCache<Object, Object> b, Random pauses, PlainSubscriber heard,
				Map<SwrStatus, Integer> bStatuses) throws InterruptedException {
			int n = this.round++;
			String tag = "round:" + n;
			SwrTagger<Object> tagger = (value) -> List.of(tag);
			List<Object> keys = new ArrayList<>(this.entries);
			for (long i = 0; i < this.entries; i++) {
				keys.add((long) n * this.entries + i);
			}
			for (Object key : keys) {
				this.a.getWithStatus(key, LOADER, null, tagger);
			}
			// B's first read of a tagged entry of the round checks the tag's marks in Redis.
			long checked = System.nanoTime();
			for (Object key : keys) {
				bStatuses.merge(b.getWithStatus(key, LOADER, null, tagger).status(), 1, Integer::sum);
			}
			// A mark covers entries written in its millisecond (instances' clocks tick each ms).
			Thread.sleep(3);
			if (pauses != null) {
				long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checked);
				Thread.sleep(Math.max(0, pauses.nextInt((int) CHECK_INTERVAL_MILLIS) - elapsed));
			}
			Object polled = keys.get(0);
			if (b.getEntry(polled) == null) {
				throw new IllegalStateException("Round " + n + ": B does not hold " + polled + " before the eviction");
			}
			Poller poller = new Poller(b, polled);
			poller.start();
			while (!poller.polling) {
				Thread.onSpinWait();
			}
			if (heard != null) {
				heard.await(tag);
			}
			long evicting = System.nanoTime();
			this.a.evictByTag(tag, false);
			long evicted = System.nanoTime();
			poller.join(TimeUnit.SECONDS.toMillis(10));
			if (poller.isAlive() || poller.seenAt == 0) {
				poller.interrupt();
				throw new IllegalStateException("Round " + n + ": B still served " + polled + " 10 s after A evicted " + tag);
			}
			for (Object key : keys) {
				if (this.a.getEntry(key) != null || b.getEntry(key) != null) {
					throw new IllegalStateException("Round " + n + ": " + key + " survived the eviction of " + tag);
				}
			}
			long plainHeard = (heard != null) ? heard.heardAt(tag) - evicting : 0;
			return new Round(poller.seenAt - evicting, evicted - evicting, plainHeard, poller.seenAt - checked);
		}

	}

	/** Reads one key on B in a tight loop until it answers {@code null}, and notes when. */
	private static final class Poller extends Thread {

		private final SwrCache<Object, Object> cache;

		private final Object key;

		volatile boolean polling;

		volatile long seenAt;

		Poller(SwrCache<Object, Object> cache, Object key) {
			super("poller-" + key);
			setDaemon(true);
			this.cache = cache;
			this.key = key;
		}

		@Override
		public void run() {
			this.polling = true;
			while (this.cache.getEntry(this.key) != null && !isInterrupted()) {
				Thread.onSpinWait();
			}
			this.seenAt = System.nanoTime();
		}

	}

	/**
	 * Notes when A's announcement of a tag eviction reaches a subscription of B's connection factory
	 * that calls back on Lettuce's event loop: the message's own travel, without the listener
	 * container's dispatch to the instance.
	 */
	private static final class PlainSubscriber implements MessageListener {

		private volatile String awaited = "";

		private volatile long heardAt;

		void await(String tag) {
			this.heardAt = 0;
			this.awaited = tag;
		}

		/** When the announcement of {@code tag} arrived; waits for it up to 10 s. */
		long heardAt(String tag) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (this.heardAt == 0 && System.nanoTime() < deadline) {
				Thread.sleep(1);
			}
			if (this.heardAt == 0) {
				throw new IllegalStateException("The plain subscriber never heard the eviction of " + tag);
			}
			return this.heardAt;
		}

		@Override
		public void onMessage(Message message, byte[] pattern) {
			long now = System.nanoTime();
			// <instance> NUL T NUL <cache> NUL <hard>:<soft>:<tag>, as RedisInvalidations announces it.
			String body = new String(message.getBody(), StandardCharsets.UTF_8);
			if (this.heardAt == 0 && body.contains("\0T\0") && body.endsWith(":" + this.awaited)) {
				this.heardAt = now;
			}
		}

	}

	/**
	 * One round, in nanos: the eviction to B's null answer, A's call itself, the eviction to the
	 * plain subscriber's hearing of it, and B's last check of the marks to its null answer.
	 */
	private record Round(long latency, long evictCall, long plainHeard, long sinceCheck) {

	}

}
