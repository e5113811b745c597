package dev.swr.core;

/**
 * When one tag of one cache was last evicted: entries carrying the tag written at or before
 * {@code hardAt} are gone, those written at or before {@code softAt} are stale (served and
 * refreshed). Instants are epoch milliseconds; {@link #NEVER} means no such eviction.
 *
 * @param hardAt the last hard eviction, or {@link #NEVER}
 * @param softAt the last soft eviction, or {@link #NEVER}
 */
public record TagMark(long hardAt, long softAt) {

	/** The instant of an eviction that never happened. */
	public static final long NEVER = Long.MIN_VALUE;

	/** A tag never evicted. */
	public static final TagMark NONE = new TagMark(NEVER, NEVER);

	/**
	 * The mark of one eviction.
	 * @param at when it happened, epoch millis
	 * @param soft whether it makes entries stale rather than absent
	 * @return the mark
	 */
	public static TagMark of(long at, boolean soft) {
		return soft ? new TagMark(NEVER, at) : new TagMark(at, NEVER);
	}

	/** The later instant of each kind of this mark and {@code other}: marks only ever move forward. */
	public TagMark merge(TagMark other) {
		long hard = Math.max(this.hardAt, other.hardAt);
		long soft = Math.max(this.softAt, other.softAt);
		return (hard == this.hardAt && soft == this.softAt) ? this : new TagMark(hard, soft);
	}

}
