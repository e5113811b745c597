package dev.swr.spring.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * Range checks of {@code swr.*} durations and sizes, failing startup with one message form that
 * names the property and the value bound to it.
 */
final class SettingChecks {

	private SettingChecks() {
	}

	/** @throws IllegalStateException naming {@code property} if {@code value} is zero or negative */
	static void requirePositive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalStateException(property + " must be positive but was " + value);
		}
	}

	/** @throws IllegalStateException naming {@code property} if {@code value} is negative */
	static void requireNotNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new IllegalStateException(property + " must not be negative but was " + value);
		}
	}

	/**
	 * @return the size in bytes
	 * @throws IllegalStateException naming {@code property} if {@code value} is zero or negative
	 */
	static long requirePositive(String property, DataSize value) {
		if (value.toBytes() <= 0) {
			throw new IllegalStateException(property + " must be positive but was " + value);
		}
		return value.toBytes();
	}

	/**
	 * @return the size in bytes
	 * @throws IllegalStateException naming {@code property} if {@code value} is negative
	 */
	static long requireNotNegative(String property, DataSize value) {
		if (value.toBytes() < 0) {
			throw new IllegalStateException(property + " must not be negative but was " + value);
		}
		return value.toBytes();
	}

}
