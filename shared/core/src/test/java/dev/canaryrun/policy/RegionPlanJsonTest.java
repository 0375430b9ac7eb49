package dev.canaryrun.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.policy.RegionPlan.RegionFailureAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's regions, waves and onRegionFailure: defaults, round trip, named errors. */
class RegionPlanJsonTest {

  static List<String> problems(String json) {
    return assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(json)).problems();
  }

  @Test
  void withoutRegionsAReleaseIsOneRegionAsBefore() {
    RolloutPolicy p = PolicyJson.parse("{}");
    assertFalse(p.regions().spansRegions());
    assertFalse(PolicyJson.write(p).contains("regions"), "absent, as documents before it");
  }

  @Test
  void regionsAloneReleaseTheFirstThenTheOthersTogether() {
    RolloutPolicy p = PolicyJson.parse(
        "{\"regions\": [\"europe-west1\", \"us-central1\", \"asia-east1\"]}");
    assertEquals(List.of(List.of("europe-west1"), List.of("us-central1", "asia-east1")),
        p.regions().waves());
    assertEquals(RegionFailureAction.ROLLBACK, p.regions().onRegionFailure());
    assertEquals(1, p.regions().waveOf("asia-east1"));
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)), "the snapshot round-trips");
  }

  @Test
  void explicitWavesAndKeepRoundTrip() {
    RolloutPolicy p = PolicyJson.parse("{\"regions\": [\"europe-west1\", \"us-central1\","
        + " \"asia-east1\"], \"waves\": [[\"us-central1\"], [\"europe-west1\"], [\"asia-east1\"]],"
        + " \"onRegionFailure\": \"keep\"}");
    assertEquals(3, p.regions().waves().size());
    assertEquals(RegionFailureAction.KEEP, p.regions().onRegionFailure());
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)));
  }

  @Test
  void badPlansAreNamedAllAtOnce() {
    List<String> p = problems("{\"regions\": [\"europe-west1\", \"us-central1\", \"Mars\","
        + " \"europe-west1\"], \"waves\": [[\"europe-west1\"], [], [\"asia-east1\","
        + " \"europe-west1\"]], \"onRegionFailure\": \"shrug\"}");
    String all = String.join("\n", p);
    assertTrue(all.contains("regions[2]: 'Mars' is not a Cloud Run region name"), all);
    assertTrue(all.contains("regions[3]: 'europe-west1' is listed twice (also regions[0])"), all);
    assertTrue(all.contains("waves[1]: is empty"), all);
    assertTrue(all.contains("waves[2][0]: 'asia-east1' is not one of the regions"), all);
    assertTrue(all.contains("waves[2][1]: 'europe-west1' is already in waves[0]"), all);
    assertTrue(all.contains("onRegionFailure: 'shrug' must be 'rollback'"), all);
  }

  @Test
  void aRegionInNoWaveAndWavesWithoutRegionsAreNamed() {
    assertTrue(String.join("\n", problems("{\"regions\": [\"europe-west1\", \"us-central1\"],"
        + " \"waves\": [[\"europe-west1\"]]}"))
        .contains("waves: [us-central1] listed in regions but in no wave"));
    assertTrue(String.join("\n", problems("{\"waves\": [[\"europe-west1\"]]}"))
        .contains("waves: set without regions"));
    assertTrue(String.join("\n", problems("{\"onRegionFailure\": \"keep\"}"))
        .contains("onRegionFailure: set without regions"));
    assertTrue(String.join("\n", problems("{\"waves\": \"all\", \"regions\": [\"europe-west1\"]}"))
        .contains("waves: must be an array of arrays of regions"));
  }

  @Test
  void observeOnlyWithRegionsIsRefusedByName() {
    assertTrue(String.join("\n", problems("{\"mode\": \"observe\","
        + " \"regions\": [\"europe-west1\", \"us-central1\"]}"))
        .contains("regions: set with mode 'observe'"));
  }
}
