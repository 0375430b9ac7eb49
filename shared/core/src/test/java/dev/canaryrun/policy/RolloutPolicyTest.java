package dev.canaryrun.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RolloutPolicyTest {

  @Test
  void defaultsAreTheFieldsCommonPractice() {
    RolloutPolicy p = RolloutPolicy.defaults();
    assertEquals(List.of(5, 20, 50), p.steps().stream().map(Step::percent).toList());
    assertEquals(List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15)),
        p.steps().stream().map(Step::minDwell).toList());
    assertEquals(0.01, p.judge().alpha());
  }

  /** Each invalid policy JSON and a fragment the error message must contain. */
  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "{\"steps\":[{\"percent\":20,\"minDwellSeconds\":60},{\"percent\":10,\"minDwellSeconds\":60}]}"
          + "|steps[1].percent: 10 must be greater than the previous step's 20",
      "{\"steps\":[{\"percent\":0,\"minDwellSeconds\":60}]}|steps[0].percent: 0 is outside 1..99",
      "{\"steps\":[{\"percent\":100,\"minDwellSeconds\":60}]}|steps[0].percent: 100 is outside 1..99",
      "{\"steps\":[{\"percent\":5,\"minDwellSeconds\":0}]}|steps[0].minDwell: PT0S must be > 0",
      "{\"steps\":[{\"percent\":5,\"minDwellSeconds\":60,\"maxDwellSeconds\":30}]}"
          + "|steps[0].maxDwell: PT30S must be >= minDwell PT1M",
      "{\"steps\":[]}|steps: must contain at least one step",
      "{\"steps\":[{\"percent\":5}]}|steps[0].minDwellSeconds: is required",
      "{\"judge\":{\"alpha\":0.7}}|judge.alpha: 0.7 must be in (0, 0.5)",
      "{\"judge\":{\"minimumErrorRatio\":1.0}}|judge.minimumErrorRatio: 1.0 must be > 1",
      "{\"judge\":{\"alpah\":0.05}}|judge.alpah: unknown field",
      "{\"metrics\":{\"alignmentPeriodSeconds\":0}}|metrics.alignmentPeriod: PT0S must be > 0",
      "{\"smokeCheck\":{\"path\":\"healthz\"}}|smokeCheck.path: 'healthz' must start with '/'",
      "{\"smokeCheck\":{\"expectedStatus\":999}}|smokeCheck.expectedStatus: 999 is not an HTTP status",
      "{\"onNewBuild\":\"queue\"}|onNewBuild: 'queue' must be 'supersede' or 'ignore'",
      "{\"candidateTag\":\"Canary!\"}|candidateTag: 'Canary!' must be lower-case",
      "{\"steps\":\"5%\"}|steps: must be an array",
      "[1,2]|policy: must be a JSON object",
      "{not json|policy: not valid JSON",
      "{\"candidateScaling\":{\"minInstances\":5,\"maxInstances\":2}}"
          + "|candidateScaling.minInstances: 5 must not exceed candidateScaling.maxInstances 2",
      "{\"candidateScaling\":{\"minInstances\":-1}}|candidateScaling.minInstances: -1 must be in 0..1000",
      "{\"candidateScaling\":{\"maxInstances\":0}}|candidateScaling.maxInstances: 0 must be in 1..1000",
      "{\"candidateScaling\":{\"maxInstances\":1.5}}"
          + "|candidateScaling.maxInstances: '1.5' is not a whole number of instances",
      "{\"candidateScaling\":{\"min\":1}}|candidateScaling.min: unknown field",
      "{\"candidateScaling\":3}|candidateScaling: must be a JSON object",
      "{\"mode\":\"observe\",\"candidateScaling\":{\"minInstances\":1}}"
          + "|candidateScaling: set with mode 'observe', where canaryrun creates no revision",
  })
  void invalidPoliciesAreRejectedWithMessagesThatNameTheField(String json, String fragment) {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(json));
    assertTrue(e.getMessage().contains(fragment), () -> e.getMessage() + " should contain " + fragment);
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    InvalidPolicyException e = assertThrows(InvalidPolicyException.class, () -> PolicyJson.parse(
        "{\"judge\":{\"alpha\":2},\"smokeCheck\":{\"attempts\":0},\"candidateTag\":\"\"}"));
    assertEquals(3, e.problems().size(), e.problems().toString());
  }

  @Test
  void partialJsonFallsBackToDefaultsAndRoundTrips() {
    RolloutPolicy p = PolicyJson.parse("{\"steps\":[{\"percent\":10,\"minDwellSeconds\":120}],"
        + "\"judge\":{\"alpha\":0.05},\"onNewBuild\":\"ignore\"}");
    assertEquals(Duration.ofSeconds(360), p.step(0).maxDwell(), "max dwell defaults to 3x min");
    assertEquals(0.05, p.judge().alpha());
    assertEquals(RolloutPolicy.defaults().smokeCheck(), p.smokeCheck());
    assertEquals(NewBuildAction.IGNORE, p.onNewBuild());
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)));
    assertEquals(RolloutPolicy.defaults(), PolicyJson.parse("{}"));
  }

  @Test
  void candidateScalingIsOptionalPerFieldAndRoundTrips() {
    RolloutPolicy p = PolicyJson.parse("{\"candidateScaling\":{\"minInstances\":1}}");
    assertEquals(new CandidateScaling(1, null), p.candidateScaling());
    assertEquals("min 1 instances", p.candidateScaling().describe());
    assertEquals(p, PolicyJson.parse(PolicyJson.write(p)));
    RolloutPolicy both = PolicyJson.parse(
        "{\"candidateScaling\":{\"minInstances\":2,\"maxInstances\":10}}");
    assertEquals("min 2, max 10 instances", both.candidateScaling().describe());
    assertEquals(both, PolicyJson.parse(PolicyJson.write(both)));
    assertEquals(CandidateScaling.none(), RolloutPolicy.defaults().candidateScaling());
    assertTrue(!PolicyJson.write(RolloutPolicy.defaults()).contains("candidateScaling"),
        "absent when unset, so snapshots written before it read the same");
  }
}
