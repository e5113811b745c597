package dev.swr.core.serial;

import java.math.BigDecimal;
import java.time.Instant;

import dev.swr.core.SwrStoreException.Reason;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.type.TypeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JacksonJsonSerializerTests {

	private static final PolymorphicTypeValidator ANY = BasicPolymorphicTypeValidator.builder()
		.allowIfBaseType(Object.class)
		.build();

	private final TypeFactory typeFactory = TypeFactory.createDefaultInstance();

	@Test
	void mapperWithDefaultTypingActivatedIsRefused() {
		JsonMapper mapper = JsonMapper.builder().activateDefaultTyping(ANY, DefaultTyping.NON_FINAL).build();
		assertThatIllegalArgumentException().isThrownBy(() -> new JacksonJsonSerializer(mapper))
			.withMessageContaining("default typing");
	}

	@Test
	void mapperWithDefaultTypingAsPropertyIsRefused() {
		JsonMapper mapper = JsonMapper.builder()
			.activateDefaultTypingAsProperty(ANY, DefaultTyping.NON_FINAL_AND_ENUMS, "@class")
			.build();
		assertThatIllegalArgumentException().isThrownBy(() -> new JacksonJsonSerializer(mapper))
			.withMessageContaining("default typing");
	}

	@Test
	void mapperWhoseDefaultTypingWasDeactivatedIsAccepted() {
		JsonMapper mapper = JsonMapper.builder()
			.activateDefaultTyping(ANY)
			.deactivateDefaultTyping()
			.build();
		JacksonJsonSerializer serializer = new JacksonJsonSerializer(mapper);
		assertThat(serializer.deserialize(serializer.serialize("x", type(String.class)), type(String.class)))
			.isEqualTo("x");
	}

	@Test
	void nullMapperIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new JacksonJsonSerializer(null))
			.withMessageContaining("mapper");
	}

	@Test
	void defaultMapperReadsAnOlderValueThatHadAnotherField() {
		JacksonJsonSerializer serializer = new JacksonJsonSerializer();
		byte[] json = "{\"name\":\"a\",\"price\":1.50,\"removedField\":true}".getBytes();
		assertThat(serializer.deserialize(json, type(Item.class))).isEqualTo(new Item("a", new BigDecimal("1.50")));
	}

	@Test
	void defaultMapperReadsAnOlderValueWrittenBeforeAFieldWasAdded() {
		JacksonJsonSerializer serializer = new JacksonJsonSerializer();
		byte[] json = "{\"name\":\"a\"}".getBytes();
		assertThat(serializer.deserialize(json, type(Item.class))).isEqualTo(new Item("a", null));
	}

	@Test
	void defaultMapperHandlesJavaTime() {
		JacksonJsonSerializer serializer = new JacksonJsonSerializer();
		Instant instant = Instant.parse("2026-01-02T03:04:05.123456789Z");
		assertThat(serializer.deserialize(serializer.serialize(instant, type(Instant.class)), type(Instant.class)))
			.isEqualTo(instant);
	}

	@Test
	void invalidJsonIsCorrupt() {
		JacksonJsonSerializer serializer = new JacksonJsonSerializer();
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> serializer.deserialize("{\"name\":".getBytes(), type(Item.class)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.CORRUPT));
	}

	@Test
	void valueWhoseGetterFailsIsASerializationError() {
		JacksonJsonSerializer serializer = new JacksonJsonSerializer();
		assertThatExceptionOfType(SwrSerializationException.class)
			.isThrownBy(() -> serializer.serialize(new Unserializable(), type(Unserializable.class)))
			.satisfies((ex) -> assertThat(ex.reason()).isEqualTo(Reason.SERIALIZATION));
	}

	private JavaType type(Class<?> type) {
		return this.typeFactory.constructType(type);
	}

	record Item(String name, BigDecimal price) {
	}

	static class Unserializable {

		public String getBroken() {
			throw new IllegalStateException("cannot be read");
		}

	}

}
