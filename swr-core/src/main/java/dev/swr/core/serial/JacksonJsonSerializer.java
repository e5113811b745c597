package dev.swr.core.serial;

import dev.swr.core.SwrStoreException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link SwrSerializer} writing JSON with a Jackson 3 {@link JsonMapper}.
 * <p>
 * The type of a value always comes from the caller (the declared type, or a class name checked by
 * a {@link TypeAllowList}), never from the JSON: a mapper with polymorphic default typing, which
 * lets stored bytes choose the class to instantiate, is refused.
 * <p>
 * Values are written by their runtime class, so no property of a subclass is lost; they are read
 * as the given type.
 */
public final class JacksonJsonSerializer implements SwrSerializer {

	private final JsonMapper mapper;

	/**
	 * A serializer with its own mapper. {@code java.time} types work out of the box in Jackson 3.
	 * Unknown properties are ignored, so an entry written before a field was removed, or by a newer
	 * version during a rolling deploy, still reads; a property missing from an older entry reads as
	 * its default.
	 */
	public JacksonJsonSerializer() {
		// Jackson 3 already defaults to this; stated so a change of default cannot turn old entries into misses.
		this(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build());
	}

	/**
	 * A serializer with the application's mapper, for its modules and naming settings.
	 * <p>
	 * The check for default typing looks at the mapper-wide default typer, which is what
	 * {@code activateDefaultTyping(..)}, {@code activateDefaultTypingAsProperty(..)} and
	 * {@code setDefaultTyping(..)} of the mapper builder set. It cannot see {@code @JsonTypeInfo}
	 * put on individual classes, directly or by a mix-in: such per-type polymorphism is the
	 * application's own, explicit choice.
	 * @param mapper the mapper to use
	 * @throws IllegalArgumentException if {@code mapper} is null or has default typing activated
	 */
	public JacksonJsonSerializer(JsonMapper mapper) {
		if (mapper == null) {
			throw new IllegalArgumentException("'mapper' must not be null");
		}
		JavaType objectType = mapper.constructType(Object.class);
		// Either config carries the default typer; check both in case one was derived differently.
		if (mapper.serializationConfig().getDefaultTyper(objectType) != null
				|| mapper.deserializationConfig().getDefaultTyper(objectType) != null) {
			throw new IllegalArgumentException("'mapper' has polymorphic default typing activated, which lets "
					+ "stored bytes name any class to instantiate; build it without activateDefaultTyping(..) or "
					+ "setDefaultTyping(..), and use a TypeAllowList for untyped caches instead");
		}
		this.mapper = mapper;
	}

	@Override
	public byte[] serialize(@Nullable Object value, JavaType type) {
		try {
			return this.mapper.writeValueAsBytes(value);
		}
		catch (JacksonException ex) {
			throw new SwrSerializationException(SwrStoreException.Reason.SERIALIZATION,
					"Cannot write a value of " + describe(value, type) + " as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	@Override
	public @Nullable Object deserialize(byte[] payload, JavaType type) {
		try {
			return this.mapper.readValue(payload, type);
		}
		catch (JacksonException ex) {
			throw new SwrSerializationException(SwrStoreException.Reason.CORRUPT,
					"Cannot read JSON as " + type.toCanonical() + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private static String describe(@Nullable Object value, JavaType type) {
		return (value != null) ? value.getClass().getName() : type.toCanonical();
	}

}
