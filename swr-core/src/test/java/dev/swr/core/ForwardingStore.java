package dev.swr.core;

import org.jspecify.annotations.Nullable;

/**
 * A memory store that tests wrap to make one operation fail, count or stall: each method forwards
 * to an in-memory store on the test's clock until a subclass overrides it.
 */
class ForwardingStore implements SwrStore<String, String> {

	final MemoryStore<String, String> delegate;

	private final String kind;

	ForwardingStore(String kind, ManualClock clock) {
		this.kind = kind;
		this.delegate = new MemoryStore<>(100, clock);
	}

	@Override
	public @Nullable SwrEntry<String> get(String key) {
		return this.delegate.get(key);
	}

	@Override
	public void put(String key, SwrEntry<String> entry) {
		this.delegate.put(key, entry);
	}

	@Override
	public void evict(String key) {
		this.delegate.evict(key);
	}

	@Override
	public boolean clear() {
		return this.delegate.clear();
	}

	@Override
	public String kind() {
		return this.kind;
	}

}
