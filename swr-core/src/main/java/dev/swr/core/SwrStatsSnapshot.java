package dev.swr.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * An immutable copy of a cache's counters, keyed by the same enums the metrics are tagged with.
 *
 * @param gets reads per status
 * @param loads loads per trigger and outcome
 * @param loadNanos nanoseconds spent in loads per trigger and outcome
 * @param skips skipped refreshes per reason
 * @param storeErrors store failures per operation and reason (only non-zero ones)
 */
public record SwrStatsSnapshot(Map<SwrStatus, Long> gets, Map<LoadTrigger, Map<LoadOutcome, Long>> loads,
		Map<LoadTrigger, Map<LoadOutcome, Long>> loadNanos, Map<SkipReason, Long> skips,
		Map<SwrStoreException.Operation, Map<SwrStoreException.Reason, Long>> storeErrors) {

	/** Copies the maps so the snapshot stays immutable. */
	public SwrStatsSnapshot {
		gets = Map.copyOf(gets);
		loads = Map.copyOf(loads);
		loadNanos = Map.copyOf(loadNanos);
		skips = Map.copyOf(skips);
		storeErrors = Map.copyOf(storeErrors);
	}

	static SwrStatsSnapshot of(long[] gets, long[] loads, long[] loadNanos, long[] skips, long[] storeErrors) {
		Map<SwrStatus, Long> getMap = new EnumMap<>(SwrStatus.class);
		for (SwrStatus status : SwrStatus.values()) {
			getMap.put(status, gets[status.ordinal()]);
		}
		Map<SkipReason, Long> skipMap = new EnumMap<>(SkipReason.class);
		for (SkipReason reason : SkipReason.values()) {
			skipMap.put(reason, skips[reason.ordinal()]);
		}
		Map<SwrStoreException.Operation, Map<SwrStoreException.Reason, Long>> errorMap = new EnumMap<>(
				SwrStoreException.Operation.class);
		SwrStoreException.Reason[] reasons = SwrStoreException.Reason.values();
		for (SwrStoreException.Operation operation : SwrStoreException.Operation.values()) {
			Map<SwrStoreException.Reason, Long> perReason = new EnumMap<>(SwrStoreException.Reason.class);
			for (SwrStoreException.Reason reason : reasons) {
				long count = storeErrors[operation.ordinal() * reasons.length + reason.ordinal()];
				if (count > 0) {
					perReason.put(reason, count);
				}
			}
			if (!perReason.isEmpty()) {
				errorMap.put(operation, Collections.unmodifiableMap(perReason));
			}
		}
		return new SwrStatsSnapshot(getMap, byTrigger(loads), byTrigger(loadNanos), skipMap, errorMap);
	}

	private static Map<LoadTrigger, Map<LoadOutcome, Long>> byTrigger(long[] values) {
		LoadOutcome[] outcomes = LoadOutcome.values();
		Map<LoadTrigger, Map<LoadOutcome, Long>> map = new EnumMap<>(LoadTrigger.class);
		for (LoadTrigger trigger : LoadTrigger.values()) {
			Map<LoadOutcome, Long> perOutcome = new EnumMap<>(LoadOutcome.class);
			for (LoadOutcome outcome : outcomes) {
				perOutcome.put(outcome, values[trigger.ordinal() * outcomes.length + outcome.ordinal()]);
			}
			map.put(trigger, Collections.unmodifiableMap(perOutcome));
		}
		return map;
	}

	/** Reads answered with {@code status}. */
	public long gets(SwrStatus status) {
		return this.gets.getOrDefault(status, 0L);
	}

	/** Loads by {@code trigger} ending in {@code outcome}. */
	public long loads(LoadTrigger trigger, LoadOutcome outcome) {
		return this.loads.get(trigger).get(outcome);
	}

	/** Loads ending in {@code outcome}, whatever started them. */
	public long loads(LoadOutcome outcome) {
		long total = 0;
		for (Map<LoadOutcome, Long> perOutcome : this.loads.values()) {
			total += perOutcome.get(outcome);
		}
		return total;
	}

	/** Skipped refreshes for {@code reason}. */
	public long skips(SkipReason reason) {
		return this.skips.getOrDefault(reason, 0L);
	}

	/** Store failures of {@code operation} for {@code reason}. */
	public long storeErrors(SwrStoreException.Operation operation, SwrStoreException.Reason reason) {
		return this.storeErrors.getOrDefault(operation, Map.of()).getOrDefault(reason, 0L);
	}

}
