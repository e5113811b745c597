package dev.swr.core.serial.gadget;

/**
 * Stands in for a class an attacker names in forged bytes: initializing it has a side effect,
 * which the tests observe through {@link GadgetTracker}. Tests refer to it by name only.
 */
public class Gadget {

	static {
		GadgetTracker.initialized = true;
	}

	/** Some state, so that it would deserialize if it were allowed. */
	public String command = "";

}
