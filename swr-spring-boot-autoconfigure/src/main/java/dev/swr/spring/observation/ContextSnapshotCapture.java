package dev.swr.spring.observation;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import org.springframework.util.ClassUtils;

import dev.swr.core.SwrContextCapture;

/**
 * Carries a caller's context to the engine's work with Micrometer's context-propagation: every
 * {@code ThreadLocalAccessor} in the {@link ContextRegistry} (the current Observation, and so the
 * trace; the whole MDC; any an application registers) is captured when a refresh or cold load is
 * scheduled and set on the worker for the call only. Thread-locals the snapshot does not hold are
 * cleared for the call, so nothing of the worker's previous task leaks in either.
 */
public final class ContextSnapshotCapture implements SwrContextCapture {

	private static final boolean slf4jPresent = ClassUtils.isPresent("org.slf4j.MDC",
			ContextSnapshotCapture.class.getClassLoader());

	private final ContextSnapshotFactory snapshots;

	/** A capture over the global {@link ContextRegistry}, with the MDC registered in it if it was not. */
	public ContextSnapshotCapture() {
		this(ContextRegistry.getInstance());
	}

	ContextSnapshotCapture(ContextRegistry registry) {
		if (slf4jPresent && registry.getThreadLocalAccessors()
			.stream()
			.noneMatch((accessor) -> Slf4jThreadLocalAccessor.KEY.equals(accessor.key()))) {
			registry.registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
		}
		this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
	}

	@Override
	public Captured capture() {
		ContextSnapshot snapshot = this.snapshots.captureAll();
		return new Captured() {

			@Override
			public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
				try (ContextSnapshot.Scope scope = snapshot.setThreadLocals()) {
					return task.call();
				}
			}

		};
	}

}
