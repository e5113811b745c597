package dev.swr.core;

import java.util.Locale;

/**
 * A store could not do what was asked: the backend is unreachable or slow, or it holds bytes that
 * cannot be decoded. The engine never lets this reach a caller: a failed read is a miss, a failed
 * write is dropped, and both are counted by {@link Operation} and {@link Reason}.
 */
public class SwrStoreException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/** What the store was asked to do. */
	public enum Operation {
		/** A read. */
		GET,
		/** A write. */
		PUT,
		/** A removal of one key. */
		EVICT,
		/** A removal of every key of a cache. */
		CLEAR,
		/** Taking or releasing a refresh lease of a shared store. */
		LEASE;

		/** The lower-case name used as a metric tag. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/** Why it failed. */
	public enum Reason {
		/** Stored bytes are not a valid envelope or payload (foreign, truncated, unknown version). */
		CORRUPT,
		/** Stored bytes name a type outside the serializer's allow-list. */
		REFUSED_TYPE,
		/** A value could not be serialized for writing. */
		SERIALIZATION,
		/**
		 * A stored payload is, or decompresses to, more than {@code max-value-size} (read as a miss),
		 * or a value to write serializes to more (not written).
		 */
		TOO_LARGE,
		/** The backend did not answer within its command timeout. */
		TIMEOUT,
		/** The backend could not be reached. */
		UNAVAILABLE,
		/** The backend is out of space: its size bound ({@code swr.disk.max-size}) or its disk (write dropped). */
		FULL,
		/** Anything else the backend reported. */
		OTHER;

		/** The lower-case name used as a metric tag. */
		public String tag() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	private final Operation operation;

	private final Reason reason;

	/**
	 * A store failure.
	 * @param operation what the store was asked to do
	 * @param reason why it failed
	 * @param message what happened, naming the cache and, where known, the key
	 * @param cause the underlying exception, if any
	 */
	public SwrStoreException(Operation operation, Reason reason, String message, Throwable cause) {
		super(message, cause);
		this.operation = operation;
		this.reason = reason;
	}

	/** What the store was asked to do. */
	public Operation operation() {
		return this.operation;
	}

	/** Why it failed. */
	public Reason reason() {
		return this.reason;
	}

}
