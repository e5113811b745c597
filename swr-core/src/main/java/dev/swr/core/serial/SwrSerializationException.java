package dev.swr.core.serial;

import dev.swr.core.SwrStoreException;
import org.jspecify.annotations.Nullable;

/**
 * A value could not be turned into bytes, or bytes could not be turned back into an entry. The
 * {@link #reason()} tells a store adapter which {@link SwrStoreException.Reason} to report.
 */
public class SwrSerializationException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final SwrStoreException.Reason reason;

	/**
	 * A serialization failure without an underlying cause.
	 * @param reason {@link SwrStoreException.Reason#CORRUPT CORRUPT},
	 * {@link SwrStoreException.Reason#REFUSED_TYPE REFUSED_TYPE} or
	 * {@link SwrStoreException.Reason#SERIALIZATION SERIALIZATION}
	 * @param message what happened
	 */
	public SwrSerializationException(SwrStoreException.Reason reason, String message) {
		this(reason, message, null);
	}

	/**
	 * A serialization failure.
	 * @param reason {@link SwrStoreException.Reason#CORRUPT CORRUPT},
	 * {@link SwrStoreException.Reason#REFUSED_TYPE REFUSED_TYPE},
	 * {@link SwrStoreException.Reason#SERIALIZATION SERIALIZATION} or
	 * {@link SwrStoreException.Reason#TOO_LARGE TOO_LARGE}
	 * @param message what happened
	 * @param cause the underlying exception, if any
	 * @throws IllegalArgumentException if {@code reason} is not one of the four above
	 */
	public SwrSerializationException(SwrStoreException.Reason reason, String message, @Nullable Throwable cause) {
		super(message, cause);
		if (reason != SwrStoreException.Reason.CORRUPT && reason != SwrStoreException.Reason.REFUSED_TYPE
				&& reason != SwrStoreException.Reason.SERIALIZATION && reason != SwrStoreException.Reason.TOO_LARGE) {
			throw new IllegalArgumentException(
					"'reason' must be CORRUPT, REFUSED_TYPE, SERIALIZATION or TOO_LARGE but was " + reason);
		}
		this.reason = reason;
	}

	/** Why it failed: {@code CORRUPT}, {@code REFUSED_TYPE}, {@code SERIALIZATION} or {@code TOO_LARGE}. */
	public SwrStoreException.Reason reason() {
		return this.reason;
	}

	static SwrSerializationException tooLarge(String message) {
		return new SwrSerializationException(SwrStoreException.Reason.TOO_LARGE, message);
	}

	static SwrSerializationException corrupt(String message) {
		return new SwrSerializationException(SwrStoreException.Reason.CORRUPT, message);
	}

	static SwrSerializationException corrupt(String message, Throwable cause) {
		return new SwrSerializationException(SwrStoreException.Reason.CORRUPT, message, cause);
	}

}
