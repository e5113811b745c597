package dev.swr.core.serial;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.serial.fixture.Product;
import dev.swr.core.serial.gadget.GadgetTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.swr.core.serial.TestEnvelopes.OBJECT;
import static dev.swr.core.serial.TestEnvelopes.STRING;
import static dev.swr.core.serial.TestEnvelopes.TYPES;
import static dev.swr.core.serial.TestEnvelopes.entry;
import static dev.swr.core.serial.TestEnvelopes.envelope;
import static dev.swr.core.serial.TestEnvelopes.typedPayload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Untyped mode: the declared type is {@code Object}, so the envelope names the value's class and
 * the {@link TypeAllowList} decides, before loading, whether that name may be read.
 */
class EnvelopeCodecUntypedTests {

	// Referred to by name only: a class literal here would load it.
	private static final String GADGET = "dev.swr.core.serial.gadget.Gadget";

	private final RecordingClassLoader classLoader = new RecordingClassLoader(getClass().getClassLoader());

	private final EnvelopeCodec codec = EnvelopeCodec.builder()
		.allowList(TypeAllowList.of("dev.swr.core.serial.fixture"))
		.classLoader(this.classLoader)
		.build();

	@Test
	void allowedApplicationTypeRoundTripsToItsClass() {
		Product product = new Product(1, "Kettle", new BigDecimal("19.99"), Instant.parse("2026-01-01T00:00:00Z"));
		SwrEntry<?> decoded = this.codec.decode(this.codec.encode(entry(product), OBJECT), OBJECT);
		assertThat(decoded.value()).isInstanceOf(Product.class).isEqualTo(product);
	}

	@Test
	void untypedEnvelopeCarriesTheClassNameFlag() {
		byte[] bytes = this.codec.encode(entry(42L), OBJECT);
		assertThat(bytes[3]).isEqualTo((byte) EnvelopeCodec.FLAG_TYPE_NAME);
	}

	@Test
	void jdkValueTypesRoundTripToTheirClasses() {
		List<Object> values = List.of("text", 42, 42L, 1.5d, true, new BigDecimal("1.10"),
				Instant.parse("2026-01-01T00:00:00Z"), LocalDate.of(2026, 5, 17), new ArrayList<>(List.of("a", "b")));
		for (Object value : values) {
			Object decoded = this.codec.decode(this.codec.encode(entry(value), OBJECT), OBJECT).value();
			assertThat(decoded).as(value.getClass().getName()).isInstanceOf(value.getClass()).isEqualTo(value);
		}
	}

	@Test
	void compressedUntypedValueRoundTrips() {
		EnvelopeCodec gzip = EnvelopeCodec.builder()
			.compression(Compression.GZIP)
			.compressionThreshold(0)
			.allowList(TypeAllowList.of("dev.swr.core.serial.fixture"))
			.build();
		Product product = new Product(2, "Mug", BigDecimal.ONE, Instant.EPOCH);
		byte[] bytes = gzip.encode(entry(product), OBJECT);
		assertThat(bytes[3]).isEqualTo((byte) (EnvelopeCodec.FLAG_TYPE_NAME | EnvelopeCodec.FLAG_GZIP));
		assertThat(gzip.decode(bytes, OBJECT).value()).isEqualTo(product);
	}

	@Test
	void refusedClassIsNeverLoadedNorInitialized() {
		byte[] forged = envelope(EnvelopeCodec.FLAG_TYPE_NAME, typedPayload(GADGET, "{\"command\":\"rm -rf /\"}"));

		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> this.codec.decode(forged, OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE))
			.withMessageContaining(GADGET);
		assertThat(this.classLoader.requested).doesNotContain(GADGET);
		assertThat(GadgetTracker.initialized).isFalse();

		// The same bytes under an allow-list that admits the class do initialize it, which shows the
		// tracker would have noticed.
		EnvelopeCodec permissive = EnvelopeCodec.builder()
			.allowList(TypeAllowList.of("dev.swr.core.serial.gadget"))
			.classLoader(this.classLoader)
			.build();
		assertThat(permissive.decode(forged, OBJECT).value().getClass().getName()).isEqualTo(GADGET);
		assertThat(this.classLoader.requested).contains(GADGET);
		assertThat(GadgetTracker.initialized).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "java.lang.Runtime", "java.net.URL", "java.lang.Object", "[Ljava.lang.String;", "[B",
			"dev.swr.core.serial.fixtureevil.Product", "dev.swr.core.serial.fixture..Product", "" })
	void namesOutsideTheAllowListAreRefusedTypes(String className) {
		byte[] forged = envelope(EnvelopeCodec.FLAG_TYPE_NAME, typedPayload(className, "{}"));
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> this.codec.decode(forged, OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE));
		assertThat(this.classLoader.requested).doesNotContain(className);
	}

	@Test
	void allowedNameOfAMissingClassIsCorrupt() {
		byte[] forged = envelope(EnvelopeCodec.FLAG_TYPE_NAME, typedPayload("dev.swr.core.serial.fixture.Gone", "{}"));
		assertThatExceptionOfType(SwrSerializationException.class).isThrownBy(() -> this.codec.decode(forged, OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT));
	}

	@Test
	void classNameThatIsNotUtf8IsCorrupt() {
		byte[] payload = typedPayload("java.lang.String", "\"x\"");
		payload[2] = (byte) 0xC3;
		payload[3] = (byte) 0x28;
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> this.codec.decode(envelope(EnvelopeCodec.FLAG_TYPE_NAME, payload), OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT));
	}

	@Test
	void classNameLongerThanThePayloadIsCorrupt() {
		byte[] payload = typedPayload("java.lang.String", "\"x\"");
		payload[0] = (byte) 0xFF;
		payload[1] = (byte) 0xFF;
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> this.codec.decode(envelope(EnvelopeCodec.FLAG_TYPE_NAME, payload), OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT))
			.withMessageContaining("truncated");
	}

	@Test
	void valueOutsideTheAllowListIsRefusedWhenEncodedRatherThanWrittenUnreadable() {
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> this.codec.encode(entry(new JacksonJsonSerializerTests.Item("a", BigDecimal.ONE)), OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE));
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> this.codec.encode(entry(new byte[] { 1 }), OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE));
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> this.codec.encode(entry(List.of("immutable")), OBJECT))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.REFUSED_TYPE));
	}

	@Test
	void declaredTypeWinsOverARecordedClassName() {
		Product product = new Product(3, "Pot", BigDecimal.TEN, Instant.EPOCH);
		byte[] bytes = this.codec.encode(entry(product), OBJECT);
		assertThat(this.codec.decode(bytes, TYPES.constructType(Product.class)).value()).isEqualTo(product);
	}

	@Test
	void untypedReadOfATypedEnvelopeYieldsPlainJsonValues() {
		byte[] bytes = this.codec.encode(entry(new Product(4, "Cup", BigDecimal.ONE, Instant.EPOCH)),
				TYPES.constructType(Product.class));
		assertThat(this.codec.decode(bytes, OBJECT).value()).isInstanceOf(Map.class);
		assertThat(this.codec.decode(this.codec.encode(entry("x"), STRING), OBJECT).value()).isEqualTo("x");
	}

	/** Records every class name it is asked to load, then delegates to its parent. */
	static final class RecordingClassLoader extends ClassLoader {

		final Set<String> requested = ConcurrentHashMap.newKeySet();

		RecordingClassLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			this.requested.add(name);
			return super.loadClass(name, resolve);
		}

	}

}
