package dev.canaryrun.gcp.run;

import static dev.canaryrun.gcp.run.TrafficPlan.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.cloud.run.v2.TrafficTarget;
import com.google.cloud.run.v2.TrafficTargetAllocationType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The traffic rules on their own (no server). */
class TrafficPlanTest {

  @ParameterizedTest(name = "{1}% of a {0}% share -> {2}")
  @CsvSource({
      "100, 0, 0", "100, 5, 5", "100, 20, 20", "100, 100, 100",
      "90, 5, 5",    // 4.5 rounds half up
      "90, 20, 18", "90, 50, 45", "90, 100, 90",
      "10, 1, 1",    // never 0 while the candidate should get traffic
      "10, 99, 9",   // never the whole share while stable should keep some
      "1, 50, 1", "0, 50, 0"})
  void candidateShare(int share, int percent, int expected) {
    assertEquals(expected, TrafficPlan.candidateShare(share, percent));
  }

  @Test
  void userTagsOnTheStableRevisionSurviveAsZeroPercentTargets() {
    List<TrafficTarget> current = List.of(target("s", 100, "prod"), target("c", 0, "canary"));
    assertEquals(List.of(target("c", 30, "canary"), target("s", 70, ""), target("s", 0, "prod")),
        TrafficPlan.forSplit(current, "c", "s", "c", "canary", 30));
  }

  @Test
  void aThirdRevisionWearingOurTagLosesItButKeepsItsTraffic() {
    List<TrafficTarget> current = List.of(target("s", 90, ""), target("old", 10, "canary"));
    assertEquals(List.of(target("s", 90, ""), target("old", 10, ""), target("new", 0, "canary")),
        TrafficPlan.forDeploy(current, "s", "new", "canary"));
  }

  @Test
  void aBakingPromotionKeepsThePreviousStableTaggedAtZeroAndMovesTheTagToIt() {
    // "older" wore 'previous' from the last release; now "s" is the previous stable.
    List<TrafficTarget> current = List.of(target("s", 50, ""), target("c", 50, "canary"),
        target("older", 0, "previous"));
    assertEquals(List.of(target("c", 100, "canary"), target("s", 0, "previous")),
        TrafficPlan.forSplit(current, "c", "s", "c", "canary", 100, "previous"));
    assertEquals(List.of(target("c", 100, "canary")),
        TrafficPlan.forSplit(List.of(target("s", 50, ""), target("c", 50, "canary")), "c", "s",
            "c", "canary", 100), "no bake: the stable target goes");
  }

  @Test
  void latestWithoutAReadyRevisionCannotBePinned() {
    List<TrafficTarget> current = List.of(TrafficTarget.newBuilder()
        .setType(TrafficTargetAllocationType.TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST)
        .setPercent(100).build());
    assertThrows(IllegalStateException.class,
        () -> TrafficPlan.forDeploy(current, "", "new", "canary"));
  }
}
