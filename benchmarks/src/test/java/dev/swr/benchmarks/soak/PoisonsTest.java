package dev.swr.benchmarks.soak;

import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import dev.swr.benchmarks.soak.Poisons.Poison;
import dev.swr.core.SwrStoreException.Reason;
import dev.swr.core.serial.EnvelopeCodec;
import dev.swr.core.serial.SwrSerializationException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.type.TypeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The soak's poisons are what they claim: each one a miss for the codec the instances run, for its own reason. */
class PoisonsTest {

	private final EnvelopeCodec instances = EnvelopeCodec.builder().maxValueSize(Soak.MAX_VALUE_SIZE).build();

	@Test
	void garbageAndTruncatedEnvelopesAreCorruptTheBombAndTheHugeValueTooLarge() {
		Map<String, byte[]> poisons = Poisons.make(Soak.MAX_VALUE_SIZE, new Random(12))
			.stream()
			.collect(Collectors.toMap(Poison::name, Poison::bytes));
		assertThat(poisons).containsOnlyKeys("garbage", "truncated", "bomb", "huge");

		assertThat(reasonOf(poisons.get("garbage"))).isEqualTo(Reason.CORRUPT);
		assertThat(reasonOf(poisons.get("truncated"))).isEqualTo(Reason.CORRUPT);
		assertThat(poisons.get("bomb").length).as("the bomb is small on the wire").isLessThan(1024 * 1024);
		assertThat(reasonOf(poisons.get("bomb"))).isEqualTo(Reason.TOO_LARGE);
		assertThat(poisons.get("huge").length).isGreaterThan(Soak.MAX_VALUE_SIZE);
	}

	private Reason reasonOf(byte[] bytes) {
		SwrSerializationException failure = catchThrowableOfType(SwrSerializationException.class,
				() -> this.instances.decode(bytes, TypeFactory.createDefaultInstance().constructType(String.class)));
		assertThat(failure).as("decoding fails").isNotNull();
		return failure.reason();
	}

}
