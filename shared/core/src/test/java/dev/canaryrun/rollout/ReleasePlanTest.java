package dev.canaryrun.rollout;

import static dev.canaryrun.rollout.RolloutState.BAKING;
import static dev.canaryrun.rollout.RolloutState.CANARY;
import static dev.canaryrun.rollout.RolloutState.DEPLOYING;
import static dev.canaryrun.rollout.RolloutState.FAILED;
import static dev.canaryrun.rollout.RolloutState.PROMOTED;
import static dev.canaryrun.rollout.RolloutState.ROLLED_BACK;
import static dev.canaryrun.rollout.RolloutState.ROLLING_BACK;
import static dev.canaryrun.rollout.RolloutState.SUPERSEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.RegionPlan;
import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import dev.canaryrun.rollout.ReleasePlan.Next;
import dev.canaryrun.rollout.ReleasePlan.Standing;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a release of three regions in two waves does next, from its regions' states. */
class ReleasePlanTest {
  static final String EU = "europe-west1";
  static final String US = "us-central1";
  static final String ASIA = "asia-east1";
  static final List<List<String>> WAVES = List.of(List.of(EU), List.of(US, ASIA));
  static final RegionPlan ROLLBACK = new RegionPlan(List.of(EU, US, ASIA), WAVES,
      RegionFailureAction.ROLLBACK);
  static final RegionPlan KEEP = new RegionPlan(List.of(EU, US, ASIA), WAVES,
      RegionFailureAction.KEEP);

  static Map<String, RolloutState> states(Object... regionAndState) {
    Map<String, RolloutState> m = new LinkedHashMap<>();
    for (int i = 0; i < regionAndState.length; i += 2) {
      m.put((String) regionAndState[i], (RolloutState) regionAndState[i + 1]);
    }
    return m;
  }

  @Test
  void theFirstWaveStartsAloneAndTheNextWaitsForItsPromotion() {
    Next none = ReleasePlan.next(ROLLBACK, states(), false);
    assertEquals(List.of(EU), none.start());
    assertEquals(0, none.wave());
    for (RolloutState s : List.of(DEPLOYING, CANARY, BAKING, RolloutState.PROMOTING)) {
      Next waiting = ReleasePlan.next(ROLLBACK, states(EU, s), false);
      assertFalse(waiting.acts(), s + ": " + waiting.why());
      assertEquals(Standing.IN_PROGRESS, waiting.standing());
      assertTrue(waiting.why().contains("waiting for europe-west1 " + s), waiting.why());
    }
    Next second = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED), false);
    assertEquals(List.of(US, ASIA), second.start());
    assertEquals(1, second.wave());
    assertTrue(second.why().startsWith("wave 1 promoted in [europe-west1]: starting wave 2 of 2"),
        second.why());
  }

  @Test
  void aWaveACrashLeftHalfStartedIsCompleted() {
    Next rest = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED, US, CANARY), false);
    assertEquals(List.of(ASIA), rest.start());
    assertEquals(1, rest.wave());
  }

  @Test
  void everyRegionPromotedIsTheEnd() {
    Next done = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED, US, PROMOTED, ASIA, PROMOTED),
        false);
    assertEquals(Standing.PROMOTED, done.standing());
    assertFalse(done.acts());
  }

  @Test
  void aFailureInTheFirstWaveNeverStartsTheOthers() {
    for (RolloutState failure : List.of(ROLLING_BACK, ROLLED_BACK, FAILED)) {
      Next stop = ReleasePlan.next(ROLLBACK, states(EU, failure), false);
      assertEquals(Standing.STOPPED, stop.standing());
      assertEquals(List.of(), stop.start(), failure.name());
      assertEquals(List.of(), stop.rollBack());
      assertTrue(stop.why().contains("never started: [us-central1, asia-east1]"), stop.why());
    }
  }

  @Test
  void aFailureInTheSecondWaveRollsBackTheWaveInFlightAndThePromotedFirst() {
    Next stop = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED, US, ROLLING_BACK, ASIA, CANARY),
        false);
    assertEquals(Standing.STOPPED, stop.standing());
    assertEquals(List.of(EU, ASIA), stop.rollBack());
    assertTrue(stop.why().startsWith("stopped by us-central1 ROLLING_BACK; rolling back"
        + " europe-west1 PROMOTED, asia-east1 CANARY"), stop.why());
  }

  @Test
  void keepLeavesThePromotedRegionsAndStillStopsTheWaveInFlight() {
    Next stop = ReleasePlan.next(KEEP, states(EU, PROMOTED, US, ROLLED_BACK, ASIA, BAKING),
        false);
    assertEquals(List.of(ASIA), stop.rollBack());
    assertTrue(stop.why().endsWith("(onRegionFailure keep: promoted regions keep the release)"),
        stop.why());
  }

  @Test
  void aStoppedReleaseAskedAgainAsksNothingNew() {
    // After the stop is carried out: every started region ended; nothing left to do.
    Next again = ReleasePlan.next(ROLLBACK, states(EU, ROLLED_BACK, US, ROLLED_BACK,
        ASIA, ROLLED_BACK), false);
    assertFalse(again.acts());
    assertEquals(Standing.STOPPED, again.standing());
  }

  @Test
  void aNewerReleaseEndsThisOneWithoutRollingAnythingBack() {
    Next aside = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED, US, CANARY, ASIA, SUPERSEDED),
        false);
    assertEquals(Standing.SUPERSEDED, aside.standing());
    assertEquals(List.of(US), aside.stepAside());
    assertEquals(List.of(), aside.rollBack());
    Next overtaken = ReleasePlan.next(ROLLBACK, states(EU, PROMOTED), true);
    assertEquals(Standing.SUPERSEDED, overtaken.standing());
    assertEquals(List.of(), overtaken.start(), "the newer release goes to us and asia itself");
  }

  @Test
  void everyCombinationOfStatesHasAnAnswerThatNeverStartsAfterAFailure() {
    List<RolloutState> all = new java.util.ArrayList<>(EnumSet.allOf(RolloutState.class));
    all.add(null); // not started
    for (RolloutState eu : all) {
      for (RolloutState us : all) {
        for (RolloutState asia : all) {
          Map<String, RolloutState> m = new LinkedHashMap<>();
          if (eu != null) m.put(EU, eu);
          if (us != null) m.put(US, us);
          if (asia != null) m.put(ASIA, asia);
          for (RegionPlan plan : List.of(ROLLBACK, KEEP)) {
            Next n = ReleasePlan.next(plan, m, false);
            boolean failed = m.values().stream().anyMatch(ReleasePlan::failure);
            if (failed) {
              assertTrue(n.start().isEmpty(), m + " " + n);
            }
            // A wave starts only when every earlier wave is promoted everywhere.
            if (n.wave() == 1) {
              assertEquals(PROMOTED, m.get(EU), m + " " + n);
            }
            n.start().forEach(r -> assertFalse(m.containsKey(r), "started twice: " + m));
            n.rollBack().forEach(r -> assertFalse(ReleasePlan.failure(m.get(r)), m + " " + n));
          }
        }
      }
    }
  }
}
