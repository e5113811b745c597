package dev.swr.core.serial;

import java.math.BigDecimal;
import java.time.Instant;

import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException;
import dev.swr.core.SwrStoreException.Operation;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.serial.fixture.Product;
import org.junit.jupiter.api.Test;

import static dev.swr.core.serial.TestEnvelopes.OBJECT;
import static dev.swr.core.serial.TestEnvelopes.TYPES;
import static dev.swr.core.serial.TestEnvelopes.entry;
import static dev.swr.core.serial.TestEnvelopes.envelope;
import static dev.swr.core.serial.TestEnvelopes.typedPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SerializingStoreTests {

	private final InMemoryByteStorage storage = new InMemoryByteStorage();

	private final EnvelopeCodec codec = EnvelopeCodec.builder()
		.allowList(TypeAllowList.of("dev.swr.core.serial.fixture"))
		.build();

	private final SerializingStore<Long, Product> store = new SerializingStore<>("products", this.codec,
			TYPES.constructType(Product.class), this.storage);

	private final Product product = new Product(42, "Teapot", new BigDecimal("12.50"),
			Instant.parse("2026-04-05T06:07:08Z"));

	@Test
	void putThenGetReturnsTheEntry() {
		SwrEntry<Product> entry = entry(this.product);
		this.store.put(42L, entry);
		assertThat(this.store.get(42L)).isEqualTo(entry);
	}

	@Test
	void putStoresUnderTheKeyAsAStringUntilExpiry() {
		SwrEntry<Product> entry = entry(this.product);
		this.store.put(42L, entry);
		assertThat(this.storage.bytes).containsOnlyKeys("42");
		assertThat(this.storage.expiries).containsEntry("42", entry.expiresAt());
		assertThat(this.store.estimatedSize()).isEqualTo(1);
	}

	@Test
	void getOfAnAbsentKeyIsNull() {
		assertThat(this.store.get(1L)).isNull();
	}

	@Test
	void nullValueRoundTrips() {
		SwrEntry<Product> entry = entry(null);
		this.store.put(1L, entry);
		assertThat(this.store.get(1L)).isEqualTo(entry);
	}

	@Test
	void entryPastItsExpiryIsStillReturnedForTheEngineToJudge() {
		SwrEntry<Product> ancient = new SwrEntry<>(this.product, 1, 2, 3, 4);
		this.store.put(7L, ancient);
		assertThat(this.store.get(7L)).isEqualTo(ancient);
	}

	@Test
	void evictRemovesOneKey() {
		this.store.put(1L, entry(this.product));
		this.store.put(2L, entry(this.product));
		this.store.evict(1L);
		assertThat(this.store.get(1L)).isNull();
		assertThat(this.store.get(2L)).isNotNull();
	}

	@Test
	void clearRemovesEveryKeyAndTellsWhetherThereWasOne() {
		assertThat(this.store.clear()).isFalse();
		this.store.put(1L, entry(this.product));
		this.store.put(2L, entry(this.product));
		assertThat(this.store.clear()).isTrue();
		assertThat(this.storage.bytes).isEmpty();
		assertThat(this.store.clear()).isFalse();
	}

	@Test
	void kindIsTheStorageKind() {
		assertThat(this.store.kind()).isEqualTo("in-memory");
	}

	@Test
	void corruptBytesAreAGetFailureNamingCacheAndKey() {
		this.storage.bytes.put("42", new byte[] { 'n', 'o', 'p', 'e' });
		assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> this.store.get(42L))
			.satisfies((ex) -> {
				assertThat(ex.operation()).isEqualTo(Operation.GET);
				assertThat(ex.reason()).isEqualTo(Reason.CORRUPT);
				assertThat(ex.getCause()).isInstanceOf(SwrSerializationException.class);
			})
			.withMessageContaining("'products'")
			.withMessageContaining("'42'");
	}

	@Test
	void refusedTypeKeepsItsReasonOnGet() {
		SerializingStore<String, Object> untyped = new SerializingStore<>("anything", this.codec, OBJECT, this.storage);
		this.storage.bytes.put("k", envelope(EnvelopeCodec.FLAG_TYPE_NAME, typedPayload("java.lang.Runtime", "{}")));
		assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> untyped.get("k"))
			.satisfies((ex) -> {
				assertThat(ex.operation()).isEqualTo(Operation.GET);
				assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE);
			});
	}

	@Test
	void unserializableValueIsAPutSerializationFailureAndNothingIsStored() {
		SerializingStore<String, Object> store = new SerializingStore<>("broken", this.codec,
				TYPES.constructType(JacksonJsonSerializerTests.Unserializable.class), this.storage);
		assertThatExceptionOfType(SwrStoreException.class)
			.isThrownBy(() -> store.put("k", entry(new JacksonJsonSerializerTests.Unserializable())))
			.satisfies((ex) -> {
				assertThat(ex.operation()).isEqualTo(Operation.PUT);
				assertThat(ex.reason()).isEqualTo(Reason.SERIALIZATION);
			})
			.withMessageContaining("'broken'")
			.withMessageContaining("'k'");
		assertThat(this.storage.bytes).isEmpty();
	}

	@Test
	void untypedValueOutsideTheAllowListIsAPutSerializationFailure() {
		SerializingStore<String, Object> untyped = new SerializingStore<>("anything", this.codec, OBJECT, this.storage);
		assertThatExceptionOfType(SwrStoreException.class)
			.isThrownBy(() -> untyped.put("k", entry(new StringBuilder("mutable"))))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.SERIALIZATION));
	}

	@Test
	void storageFailuresPassThroughUnchanged() {
		SwrStoreException timeout = new SwrStoreException(Operation.GET, Reason.TIMEOUT, "slow", null);
		SerializingStore<String, Object> store = new SerializingStore<>("c", this.codec, OBJECT, new InMemoryByteStorage() {

			@Override
			public byte[] get(String key) {
				throw timeout;
			}

		});
		assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> store.get("k")).isSameAs(timeout);
	}

	@Test
	void otherStorageExceptionsAreWrappedAsOther() {
		SerializingStore<String, Object> store = new SerializingStore<>("c", this.codec, OBJECT, new InMemoryByteStorage() {

			@Override
			public void delete(String key) {
				throw new IllegalStateException("connection reset");
			}

		});
		assertThatExceptionOfType(SwrStoreException.class).isThrownBy(() -> store.evict("k"))
			.satisfies((ex) -> {
				assertThat(ex.operation()).isEqualTo(Operation.EVICT);
				assertThat(ex.reason()).isEqualTo(Reason.OTHER);
			})
			.withMessageContaining("'k'");
	}

	@Test
	void nullArgumentsAreRejectedNamingThem() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SerializingStore<>(null, this.codec, OBJECT, this.storage))
			.withMessageContaining("cacheName");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SerializingStore<>("c", null, OBJECT, this.storage))
			.withMessageContaining("codec");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SerializingStore<>("c", this.codec, null, this.storage))
			.withMessageContaining("valueType");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SerializingStore<>("c", this.codec, OBJECT, null))
			.withMessageContaining("storage");
	}

	/**
	 * Issue 12, item 1: concurrent readers of one key each read and decoded their own copy, so a
	 * large entry read by many threads took that many copies of memory. Now they share one.
	 */
	@Test
	void concurrentReadersOfOneKeyShareOneBackendReadAndOneDecode() throws Exception {
		this.store.put(42L, entry(this.product));
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
		InMemoryByteStorage slow = new InMemoryByteStorage() {

			@Override
			public byte @org.jspecify.annotations.Nullable [] get(String key) {
				reads.incrementAndGet();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return super.get(key);
			}

		};
		slow.bytes.putAll(this.storage.bytes);
		SerializingStore<Long, Product> shared = new SerializingStore<>("products", this.codec,
				TYPES.constructType(Product.class), slow);
		java.util.concurrent.atomic.AtomicInteger names = new java.util.concurrent.atomic.AtomicInteger();
		java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(16,
				(runnable) -> new Thread(runnable, "shared-reader-" + names.incrementAndGet()));
		try {
			java.util.List<java.util.concurrent.Future<SwrEntry<Product>>> results = new java.util.ArrayList<>();
			for (int i = 0; i < 16; i++) {
				results.add(threads.submit(() -> shared.get(42L)));
			}
			// All sixteen wait: one in the backend read, fifteen for it (on old code, sixteen in reads).
			org.awaitility.Awaitility.await()
				.atMost(java.time.Duration.ofSeconds(10))
				.until(() -> Thread.getAllStackTraces().keySet().stream()
					.filter((thread) -> thread.getName().startsWith("shared-reader-"))
					.filter((thread) -> thread.getState() == Thread.State.WAITING)
					.count() == 16);
			release.countDown();
			SwrEntry<Product> first = results.get(0).get(10, java.util.concurrent.TimeUnit.SECONDS);
			for (java.util.concurrent.Future<SwrEntry<Product>> result : results) {
				assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(first);
			}
			assertThat(reads).as("backend reads for 16 concurrent readers").hasValue(1);
			long distinctValues = results.stream().map((f) -> {
				try {
					return System.identityHashCode(f.get().value());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}).distinct().count();
			assertThat(distinctValues).as("decoded copies").isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
