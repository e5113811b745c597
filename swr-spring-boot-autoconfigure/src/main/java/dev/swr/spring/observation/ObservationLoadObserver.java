package dev.swr.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.swr.core.LoadOutcome;
import dev.swr.core.LoadTrigger;
import dev.swr.core.SwrLoadObserver;

/**
 * Makes each load a Micrometer {@link Observation} named {@value #NAME}, with the low-cardinality
 * keys {@code cache}, {@code trigger} ({@code miss}, {@code refresh}, {@code expired}) and
 * {@code outcome} ({@code success}, {@code failure}, {@code timeout}). Its scope is open while the
 * source is called, so the source's own observations (an HTTP client's, a repository's) are its
 * children; and since a refresh runs in the context captured when it was scheduled, a refresh's
 * observation is a child of the request's, in the same trace. Keys are never recorded: they may be
 * personal data and are unbounded.
 */
public final class ObservationLoadObserver implements SwrLoadObserver {

	/** The observation's name. */
	public static final String NAME = "swr.load";

	private final ObservationRegistry registry;

	/** An observer on {@code registry}. */
	public ObservationLoadObserver(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Observed starting(String cache, Object key, LoadTrigger trigger) {
		if (this.registry.isNoop()) {
			return Observed.NONE;
		}
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.contextualName("swr " + trigger.tag() + " " + cache)
			.lowCardinalityKeyValue("cache", cache)
			.lowCardinalityKeyValue("trigger", trigger.tag())
			.start();
		Observation.Scope scope = observation.openScope();
		return new Observed() {

			@Override
			public void called() {
				scope.close();
			}

			@Override
			public void ended(LoadOutcome outcome, @Nullable Throwable error) {
				observation.lowCardinalityKeyValue("outcome", outcome.tag());
				if (error != null) {
					observation.error(error);
				}
				observation.stop();
			}

		};
	}

}
