package dev.canaryrun.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.rollout.RolloutState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes a release across regions fail the demo, and how the summary shows it. */
class RegionalPlayerTest {
  static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

  static RegionRow row(String version, String region, int wave, RolloutState state,
      int created, int ended, RolloutState expected) {
    return new RegionRow(version, region, wave, state == null ? null : version + "@" + region,
        state, state == null ? null : T0.plusSeconds(created),
        state == null ? null : T0.plusSeconds(ended), expected, List.of());
  }

  @Test
  void aReleaseInWaveOrderWithTheExpectedOutcomesHasNoProblem() {
    List<RegionRow> rows = List.of(
        row("v2", "europe-west1", 1, RolloutState.PROMOTED, 1, 10, RolloutState.PROMOTED),
        row("v2", "us-central1", 2, RolloutState.PROMOTED, 11, 20, RolloutState.PROMOTED),
        row("v3", "europe-west1", 1, RolloutState.ROLLED_BACK, 1, 6, RolloutState.ROLLED_BACK),
        row("v3", "us-central1", 2, null, 0, 0, null));
    assertEquals(List.of(), RegionalPlayer.problems(rows));
  }

  @Test
  void aSecondWaveStartedBeforeTheFirstEndedOrAReleaseThatReachedALaterWaveIsNamed() {
    List<RegionRow> rows = List.of(
        row("v2", "europe-west1", 1, RolloutState.PROMOTED, 1, 10, RolloutState.PROMOTED),
        row("v2", "asia-east1", 2, RolloutState.PROMOTED, 5, 20, RolloutState.PROMOTED),
        row("v3", "europe-west1", 1, RolloutState.ROLLED_BACK, 1, 6, RolloutState.ROLLED_BACK),
        row("v3", "asia-east1", 2, RolloutState.ROLLED_BACK, 7, 9, null));
    List<String> p = RegionalPlayer.problems(rows);
    assertEquals(2, p.size(), p::toString);
    assertTrue(p.contains("v3 in asia-east1 expected NOT STARTED but ROLLED_BACK"), p::toString);
    assertTrue(p.stream().anyMatch(s -> s.startsWith("v2 in asia-east1 (wave 2) started at "
        + T0.plusSeconds(5) + " before wave 1 ended in europe-west1")), p::toString);
  }

  @Test
  void theSummaryShowsEachRegionWithItsWaveOutcomeAndTimes() {
    List<String> lines = RegionSummary.render(List.of(
        row("v2", "europe-west1", 1, RolloutState.PROMOTED, 1, 10, RolloutState.PROMOTED),
        row("v3", "us-central1", 2, null, 0, 0, null)), List.of(T0, T0.plusSeconds(30)));
    assertTrue(lines.get(3).matches(
        "  v2 +europe-west1 +1 +PROMOTED +PROMOTED +ok +\\+1\\.0s +\\+10\\.0s"), lines.get(3));
    assertTrue(lines.get(4).matches("  v3 +us-central1 +2 +NOT STARTED +NOT STARTED +ok +- +-"),
        lines.get(4));
    assertEquals(List.of(), RegionSummary.render(List.of(), List.of()));
  }
}
