package dev.swr.benchmarks.soak;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import dev.swr.benchmarks.soak.FaultSchedule.Fault;
import dev.swr.benchmarks.soak.FaultSchedule.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FaultScheduleTest {

	@Test
	void theSameSeedDrawsTheSameScheduleAndAnotherSeedAnother() {
		FaultSchedule one = FaultSchedule.draw(Duration.ofMinutes(15), 12, Soak.GRACE);
		assertThat(FaultSchedule.draw(Duration.ofMinutes(15), 12, Soak.GRACE)).isEqualTo(one);
		assertThat(FaultSchedule.draw(Duration.ofMinutes(15), 13, Soak.GRACE).faults()).isNotEqualTo(one.faults());
	}

	@Test
	void theOneMinuteRunOfTheBuildHasEveryKindOfFault() {
		FaultSchedule schedule = FaultSchedule.draw(Duration.ofSeconds(60), 12, Soak.GRACE);
		EnumSet<Kind> kinds = EnumSet.noneOf(Kind.class);
		schedule.faults().forEach((fault) -> kinds.add(fault.kind()));
		assertThat(kinds).containsExactlyInAnyOrder(Kind.values());
	}

	@Test
	void faultsNeverOverlapAndLeaveTheirGraceAndAHealthyTail() {
		for (long seed = 0; seed < 50; seed++) {
			for (Duration duration : List.of(Duration.ofSeconds(60), Duration.ofMinutes(15))) {
				FaultSchedule schedule = FaultSchedule.draw(duration, seed, Soak.GRACE);
				List<Fault> faults = schedule.faults();
				assertThat(faults).isNotEmpty();
				assertThat(faults.get(0).start()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
				for (int i = 0; i + 1 < faults.size(); i++) {
					Fault fault = faults.get(i);
					Duration least = fault.kind().ofUpstream() ? Soak.GRACE : Soak.SETTLE;
					assertThat(faults.get(i + 1).start()).as("seed %d, after %s", seed, fault)
						.isGreaterThanOrEqualTo(fault.end().plus(least));
				}
				assertThat(faults.get(faults.size() - 1).end()).isLessThanOrEqualTo(duration.minusSeconds(10));
			}
		}
	}

}
