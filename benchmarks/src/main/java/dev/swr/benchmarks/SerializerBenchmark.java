package dev.swr.benchmarks;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.swr.core.SwrEntry;
import dev.swr.core.serial.Compression;
import dev.swr.core.serial.EnvelopeCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.type.TypeFactory;

/**
 * Scenario 7: encoding and decoding an envelope (header, JSON payload, optional compression) for a
 * value of about 1 KB and about 100 KB of JSON, with no compression, gzip and zstd. The threshold
 * is 0 so both sizes are compressed where asked; {@link #main} prints the bytes each produces.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SerializerBenchmark {

	private static final JavaType PAGE_TYPE = TypeFactory.createDefaultInstance().constructType(Page.class);

	@Param({ "1KB", "100KB" })
	public String size;

	@Param({ "NONE", "GZIP", "ZSTD" })
	public Compression compression;

	private EnvelopeCodec codec;

	private SwrEntry<Page> entry;

	private byte[] encoded;

	@Setup
	public void setUp() {
		this.codec = codec(this.compression);
		this.entry = entry(this.size);
		this.encoded = this.codec.encode(this.entry, PAGE_TYPE);
		if (!this.entry.value().equals(this.codec.decode(this.encoded, PAGE_TYPE).value())) {
			throw new IllegalStateException("Envelope does not round-trip");
		}
	}

	@Benchmark
	public byte[] encode() {
		return this.codec.encode(this.entry, PAGE_TYPE);
	}

	@Benchmark
	public Object decode() {
		return this.codec.decode(this.encoded, PAGE_TYPE).value();
	}

	static EnvelopeCodec codec(Compression compression) {
		return EnvelopeCodec.builder().compression(compression).compressionThreshold(0).build();
	}

	/** A page of products whose JSON is about {@code size} ("1KB" or "100KB") long. */
	static SwrEntry<Page> entry(String size) {
		int targetBytes = switch (size) {
			case "1KB" -> 1024;
			case "100KB" -> 100 * 1024;
			default -> throw new IllegalArgumentException("size must be 1KB or 100KB but was " + size);
		};
		EnvelopeCodec plain = codec(Compression.NONE);
		// Words drawn from a fixed vocabulary with a fixed seed: text that compresses like real
		// catalog data, the same in every run.
		Random random = new Random(7);
		String[] words = { "steel", "blue", "compact", "wireless", "kit", "pro", "classic", "set", "eco", "max",
				"garden", "kitchen", "travel", "outdoor", "premium", "basic", "oak", "cotton", "lamp", "chair" };
		List<Item> items = new ArrayList<>();
		long now = 1_700_000_000_000L;
		while (true) {
			int n = items.size();
			StringBuilder description = new StringBuilder();
			for (int w = 0; w < 12; w++) {
				description.append(words[random.nextInt(words.length)]).append(' ');
			}
			List<Item> next = new ArrayList<>(items);
			next.add(new Item(1000 + n, words[random.nextInt(words.length)] + " " + words[random.nextInt(words.length)],
					description.toString().trim(), BigDecimal.valueOf(random.nextInt(100_000), 2), random.nextInt(500),
					List.of(words[random.nextInt(words.length)], words[random.nextInt(words.length)])));
			Page page = new Page("page-1", next);
			int length = plain.encode(new SwrEntry<>(page, now, now + 60_000, now + 600_000, now + 3_600_000), PAGE_TYPE).length;
			if (length > targetBytes && !items.isEmpty()) {
				Page fitting = new Page("page-1", items);
				return new SwrEntry<>(fitting, now, now + 60_000, now + 600_000, now + 3_600_000);
			}
			items = next;
		}
	}

	/** Prints the bytes out per size and compression, for the serializer table. */
	public static void main(String[] args) {
		System.out.println("| value | compression | envelope bytes | of JSON |");
		System.out.println("|---|---|---:|---:|");
		for (String size : new String[] { "1KB", "100KB" }) {
			SwrEntry<Page> entry = entry(size);
			int json = codec(Compression.NONE).encode(entry, PAGE_TYPE).length;
			for (Compression compression : Compression.values()) {
				int bytes = codec(compression).encode(entry, PAGE_TYPE).length;
				System.out.printf("| %s | %s | %,d | %.0f%% |%n", size, compression, bytes, 100.0 * bytes / json);
			}
		}
	}

	/**
	 * The cached value: a page of items.
	 * @param id the page id
	 * @param items its items
	 */
	public record Page(String id, List<Item> items) {
	}

	/**
	 * One catalog item.
	 * @param id its id
	 * @param name its name
	 * @param description its description
	 * @param price its price
	 * @param stock units in stock
	 * @param tags its tags
	 */
	public record Item(long id, String name, String description, BigDecimal price, int stock, List<String> tags) {
	}

}
