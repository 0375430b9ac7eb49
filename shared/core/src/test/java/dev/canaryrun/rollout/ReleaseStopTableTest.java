package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutMachineTableTest.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.RegionPlan;
import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import dev.canaryrun.policy.RolloutPolicy;
import dev.canaryrun.rollout.RolloutEvent.ReleaseStopped;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A release's stop on a region of that release, in every state, with either
 * {@code onRegionFailure}: in flight rolls back, promoted rolls back unless kept, ended stays.
 */
class ReleaseStopTableTest {
  static final String RELEASE = "checkout-b1234567";
  static final RegionPlan PLAN = new RegionPlan(List.of("europe-west1", "us-central1"),
      RegionPlan.defaultWaves(List.of("europe-west1", "us-central1")),
      RegionFailureAction.ROLLBACK);

  static final Map<RolloutState, String> ROLLBACK = Map.ofEntries(
      Map.entry(RolloutState.DEPLOYING, "ROLLED_BACK"),
      Map.entry(RolloutState.VERIFYING, "ROLLED_BACK"),
      Map.entry(RolloutState.CANARY, "ROLLING_BACK->0%"),
      Map.entry(RolloutState.PAUSED, "ROLLING_BACK->0%"),
      Map.entry(RolloutState.PROMOTING, "ROLLING_BACK->0%"),
      Map.entry(RolloutState.BAKING, "ROLLING_BACK->0%"),
      Map.entry(RolloutState.PROMOTED, "ROLLING_BACK->0%"),
      Map.entry(RolloutState.ROLLING_BACK, "noop"),
      Map.entry(RolloutState.ROLLED_BACK, "noop"),
      Map.entry(RolloutState.SUPERSEDED, "noop"),
      Map.entry(RolloutState.FAILED, "noop"),
      Map.entry(RolloutState.OBSERVING, "noop"),
      Map.entry(RolloutState.OBSERVED, "noop"));

  static Stream<Arguments> states() {
    return Arrays.stream(RolloutState.values()).flatMap(s -> Stream.of(
        Arguments.of(s, RegionFailureAction.ROLLBACK, ROLLBACK.get(s)),
        Arguments.of(s, RegionFailureAction.KEEP,
            s == RolloutState.PROMOTED ? "noop" : ROLLBACK.get(s))));
  }

  /** The table's rollout in {@code s}, as the us-central1 rollout of {@link #RELEASE}. */
  static Rollout inRelease(RolloutState s, RegionFailureAction onFailure) {
    Rollout r = Rollouts.in(s);
    RolloutPolicy policy = r.policy().observeOnly() ? r.policy() : r.policy().withRegions(
        new RegionPlan(PLAN.regions(), PLAN.waves(), onFailure));
    RolloutSpec x = r.spec();
    return new Rollout(new RolloutSpec(RolloutIds.inRelease(RELEASE, "us-central1"),
        x.service(), "us-central1", x.image(), x.buildId(), x.builtAt(), RELEASE, x.adopt(),
        policy, x.createdAt(), null, RELEASE, 1), r.status(), r.version(), r.updatedAt());
  }

  @Test
  void everyStateHasARow() {
    assertEquals(RolloutState.values().length, ROLLBACK.size());
  }

  @ParameterizedTest(name = "{0} ({1}) -> {2}")
  @MethodSource("states")
  void aStopRollsBackWhatTheReleaseChanged(RolloutState s, RegionFailureAction onFailure,
      String expected) {
    Rollout before = inRelease(s, onFailure);
    Decision d = Rollouts.MACHINE.decide(before,
        new ReleaseStopped("release:" + RELEASE + "/stop", NOW, RELEASE,
            "stopped by europe-west1 ROLLED_BACK"), NOW);
    assertEquals(expected, RolloutMachineTableTest.describe(before, d));
    if (d.saves()) {
      assertEquals(1, d.audit().size());
      assertTrue(d.audit().get(0).message().contains("release " + RELEASE
          + " stopped: stopped by europe-west1 ROLLED_BACK"), d.audit().get(0).message());
      assertEquals(ReleaseStop.ACTOR, d.audit().get(0).actor());
    }
  }

  @Test
  void aStopOfAnotherReleaseChangesNothing() {
    Rollout before = inRelease(RolloutState.CANARY, RegionFailureAction.ROLLBACK);
    Decision d = Rollouts.MACHINE.decide(before,
        new ReleaseStopped("e", NOW, "checkout-other", "stopped"), NOW);
    assertEquals("noop", RolloutMachineTableTest.describe(before, d));
  }
}
