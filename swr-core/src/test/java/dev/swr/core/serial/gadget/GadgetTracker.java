package dev.swr.core.serial.gadget;

/**
 * Records whether {@link Gadget} was initialized. Kept in its own class so that reading the flag
 * does not itself load {@code Gadget}.
 */
public final class GadgetTracker {

	/** Set by {@code Gadget}'s static initializer. */
	public static volatile boolean initialized;

	private GadgetTracker() {
	}

}
