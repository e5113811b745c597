package dev.swr.spring.redis;

import org.springframework.data.redis.connection.ClusterSlotHashUtil;

/**
 * For each of Redis Cluster's 16,384 hash slots, a short hash tag that maps to it: a key starting
 * with {@code {<tag>}} lives in that slot, whatever follows. Found once, the first time it is asked,
 * by hashing base-36 numbers until every slot has one (about 170,000 CRC16s of four characters;
 * a few milliseconds). Written here because Spring Data Redis computes a key's slot
 * ({@link ClusterSlotHashUtil}) but not the reverse.
 */
final class SlotTags {

	private SlotTags() {
	}

	/** A hash tag (without its braces) whose slot is {@code slot}. */
	static String tagFor(int slot) {
		return Table.TAGS[slot];
	}

	private static final class Table {

		static final String[] TAGS = build();

		private static String[] build() {
			String[] tags = new String[ClusterSlotHashUtil.SLOT_COUNT];
			int missing = tags.length;
			for (int i = 0; missing > 0; i++) {
				String candidate = Integer.toString(i, 36);
				int slot = ClusterSlotHashUtil.calculateSlot(candidate);
				if (tags[slot] == null) {
					tags[slot] = candidate;
					missing--;
				}
			}
			return tags;
		}

	}

}
