package dev.swr.spring;

import dev.swr.core.SwrEntry;
import dev.swr.core.SwrStore;
import org.jspecify.annotations.Nullable;

/**
 * A store for tests that forwards reads, writes, evicts and clears to another store; a subclass
 * overrides the one behaviour it changes (a refused write, an unreachable server, a held read) and
 * its {@link #kind()}. Everything else stays {@link SwrStore}'s default.
 */
public abstract class ForwardingStore implements SwrStore<Object, Object> {

	private final SwrStore<Object, Object> delegate;

	protected ForwardingStore(SwrStore<Object, Object> delegate) {
		this.delegate = delegate;
	}

	@Override
	public @Nullable SwrEntry<Object> get(Object key) {
		return this.delegate.get(key);
	}

	@Override
	public void put(Object key, SwrEntry<Object> entry) {
		this.delegate.put(key, entry);
	}

	@Override
	public void evict(Object key) {
		this.delegate.evict(key);
	}

	@Override
	public boolean clear() {
		return this.delegate.clear();
	}

}
