package dev.swr.core;

import java.time.Duration;

/**
 * Everything that decides how one cache serves, refreshes and keeps entries. Immutable and
 * validated at construction: a bad setting fails with an {@link IllegalArgumentException} that
 * names it.
 *
 * @param windows the fresh, stale and expired windows of a written entry
 * @param expiredWait how long a read of an expired entry waits for its refresh before it is
 * answered with the old value as {@link SwrStatus#EXPIRED}; zero answers at once
 * @param jitter the largest fraction, in {@code [0, 1)}, by which each write's fresh window is
 * shortened at random so that keys written together do not go stale together
 * @param cacheNulls whether a {@code null} result is cached like any other value
 * @param refreshTimeout the hard limit on one background load; past it the load's thread is
 * interrupted, its slot released and the outcome counted as a timeout
 * @param refreshBackoff how long a key is not refreshed again after a failed refresh
 * @param refreshBackoffMax the cap of that pause, which doubles per consecutive failure
 * @param missTimeout how long a caller with nothing cached waits for a cold load before it gets
 * {@link SwrLoadTimeoutException} (the load goes on, up to {@code refreshTimeout}, which also caps
 * this wait); zero removes the bound and runs the load on the caller's own thread, as v1 did
 * @param maxConcurrentMisses how many cold loads of this cache run at once; a caller beyond it with
 * nothing cached gets {@link SwrLoadRejectedException} at once
 */
public record SwrPolicy(EntryWindows windows, Duration expiredWait, double jitter, boolean cacheNulls,
		Duration refreshTimeout, Duration refreshBackoff, Duration refreshBackoffMax, Duration missTimeout,
		int maxConcurrentMisses) {

	/** The built-in defaults, as documented for {@code swr.defaults.*}. */
	public static final SwrPolicy DEFAULTS = new SwrPolicy(
			EntryWindows.of(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1)), Duration.ofSeconds(1),
			0.1, true, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(1), Duration.ofSeconds(5), 32);

	/**
	 * Validates the policy.
	 * @throws IllegalArgumentException naming the first bad setting
	 */
	public SwrPolicy {
		if (windows == null) {
			throw new IllegalArgumentException("'windows' must be set");
		}
		EntryWindows.requireNotNegative("expired-wait", expiredWait);
		if (!(jitter >= 0.0 && jitter < 1.0)) {
			throw new IllegalArgumentException("'jitter' must be in [0, 1) but was " + jitter);
		}
		EntryWindows.requirePositive("refresh-timeout", refreshTimeout);
		EntryWindows.requirePositive("refresh-backoff", refreshBackoff);
		EntryWindows.requirePositive("refresh-backoff-max", refreshBackoffMax);
		if (expiredWait.compareTo(refreshTimeout) > 0) {
			throw new IllegalArgumentException("'expired-wait' (" + expiredWait
					+ ") must not be longer than 'refresh-timeout' (" + refreshTimeout + ")");
		}
		EntryWindows.requireNotNegative("miss-timeout", missTimeout);
		if (maxConcurrentMisses < 1) {
			throw new IllegalArgumentException("'max-concurrent-misses' must be at least 1 but was " + maxConcurrentMisses);
		}
		if (refreshBackoffMax.compareTo(refreshBackoff) < 0) {
			throw new IllegalArgumentException("'refresh-backoff-max' (" + refreshBackoffMax
					+ ") must not be shorter than 'refresh-backoff' (" + refreshBackoff + ")");
		}
	}

	/** A builder starting from {@link #DEFAULTS}. */
	public static Builder builder() {
		return new Builder(DEFAULTS);
	}

	/** A builder starting from this policy, to derive a variant. */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * Builds a {@link SwrPolicy}; settings are validated together by {@link #build()}.
	 */
	public static final class Builder {

		private Duration fresh;

		private Duration stale;

		private Duration expired;

		private Duration expiredWait;

		private double jitter;

		private boolean cacheNulls;

		private Duration refreshTimeout;

		private Duration refreshBackoff;

		private Duration refreshBackoffMax;

		private Duration missTimeout;

		private int maxConcurrentMisses;

		private Builder(SwrPolicy from) {
			this.fresh = from.windows.fresh();
			this.stale = from.windows.stale();
			this.expired = from.windows.expired();
			this.expiredWait = from.expiredWait;
			this.jitter = from.jitter;
			this.cacheNulls = from.cacheNulls;
			this.refreshTimeout = from.refreshTimeout;
			this.refreshBackoff = from.refreshBackoff;
			this.refreshBackoffMax = from.refreshBackoffMax;
			this.missTimeout = from.missTimeout;
			this.maxConcurrentMisses = from.maxConcurrentMisses;
		}

		/** How long an entry is a {@code HIT}. */
		public Builder fresh(Duration fresh) {
			this.fresh = fresh;
			return this;
		}

		/** How long after its fresh window an entry is served {@code STALE} while refreshed. */
		public Builder stale(Duration stale) {
			this.stale = stale;
			return this;
		}

		/** How long after its stale window an entry is kept as a fallback. */
		public Builder expired(Duration expired) {
			this.expired = expired;
			return this;
		}

		/** All three windows at once. */
		public Builder windows(EntryWindows windows) {
			return fresh(windows.fresh()).stale(windows.stale()).expired(windows.expired());
		}

		/** How long a read of an expired entry waits for its refresh. */
		public Builder expiredWait(Duration expiredWait) {
			this.expiredWait = expiredWait;
			return this;
		}

		/** The largest fraction by which a write's fresh window is shortened at random. */
		public Builder jitter(double jitter) {
			this.jitter = jitter;
			return this;
		}

		/** Whether {@code null} results are cached. */
		public Builder cacheNulls(boolean cacheNulls) {
			this.cacheNulls = cacheNulls;
			return this;
		}

		/** The hard limit on one background load. */
		public Builder refreshTimeout(Duration refreshTimeout) {
			this.refreshTimeout = refreshTimeout;
			return this;
		}

		/** The pause after a failed refresh of a key. */
		public Builder refreshBackoff(Duration refreshBackoff) {
			this.refreshBackoff = refreshBackoff;
			return this;
		}

		/** The cap of the doubling pause after consecutive failures. */
		public Builder refreshBackoffMax(Duration refreshBackoffMax) {
			this.refreshBackoffMax = refreshBackoffMax;
			return this;
		}

		/** How long a caller with nothing cached waits for a cold load; zero loads on the caller's thread. */
		public Builder missTimeout(Duration missTimeout) {
			this.missTimeout = missTimeout;
			return this;
		}

		/** How many cold loads of the cache run at once. */
		public Builder maxConcurrentMisses(int maxConcurrentMisses) {
			this.maxConcurrentMisses = maxConcurrentMisses;
			return this;
		}

		/**
		 * The policy.
		 * @throws IllegalArgumentException naming the first bad setting
		 */
		public SwrPolicy build() {
			return new SwrPolicy(new EntryWindows(this.fresh, this.stale, this.expired), this.expiredWait, this.jitter,
					this.cacheNulls, this.refreshTimeout, this.refreshBackoff, this.refreshBackoffMax, this.missTimeout,
					this.maxConcurrentMisses);
		}

	}

}
