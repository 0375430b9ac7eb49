package dev.canaryrun.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.canaryrun.cli.demo.DemoScenario.Expectation;
import dev.canaryrun.rollout.RolloutState;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's orchestration end to end, as {@code ./canaryrun demo} runs it: the Firestore and
 * Pub/Sub emulators, real local Cloud Run and Monitoring over gRPC, the real adapters and
 * judge, the functions fed CloudEvents from their subscriptions, load at 200 req/s. Shorter dwells than the default scenario keep it
 * under a minute; the outcomes asserted are the README's three.
 */
class DemoTest {

  @Test
  @Timeout(120)
  void playsThreeReleasesToTheirExpectedOutcomes() throws Exception {
    PlayedDemo played = PlayedDemo.play(null, Path.of("target", "demo-test"),
        DemoScenario.parse(resource("/fast-scenario.json"), "test"));
    DemoReport report = played.report();
    String text = played.text();
    assertTrue(report.ok(), () -> "demo failed: " + report.failure() + "\n" + text);

    List<ReleaseResult> r = report.releases();
    assertEquals(3, r.size());
    assertEquals(Expectation.PROMOTED, r.get(0).outcome().orElseThrow());
    assertEquals(Expectation.ROLLED_BACK_BY_JUDGE, r.get(1).outcome().orElseThrow());
    assertEquals(Expectation.ROLLED_BACK_BY_ALERT, r.get(2).outcome().orElseThrow());
    assertEquals(RolloutState.ROLLED_BACK, r.get(2).finalState());

    // The alert path is fast because it needs no metrics: well under the judge's ticks.
    Duration alertToTraffic = r.get(2).alertToTrafficApplied().orElseThrow();
    assertTrue(alertToTraffic.compareTo(Duration.ofSeconds(2)) < 0, alertToTraffic::toString);
    assertNotNull(r.get(1).timeToDetect().orElse(null), "v3 has a time to detect");
    assertTrue(text.contains("all 3 releases ended as expected"), text);
    assertTrue(text.contains("-- audit trail of"), text);
  }

  @Test
  void defaultScenarioParsesAndNamesTheThreeOutcomes() {
    DemoScenario s = DemoScenario.defaults();
    assertEquals(List.of(Expectation.PROMOTED, Expectation.ROLLED_BACK_BY_JUDGE,
        Expectation.ROLLED_BACK_BY_ALERT), s.releases().stream().map(r -> r.expect()).toList());
    assertEquals(3, s.policy().steps().size());
  }

  @Test
  void badScenarioNamesEveryProblem() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DemoScenario.parse("""
            {"releases": [{"version": "v2", "expect": "MAYBE", "colour": "red"},
                          {"image": "x:v3", "expect": "ROLLED_BACK_BY_ALERT"}],
             "policy": {"steps": [{"percent": 150, "minDwellSeconds": 1}]}}
            """, "bad.json"));
    String m = e.getMessage();
    for (String expected : List.of("releases[0].image: is required",
        "releases[0].expect: 'MAYBE'", "releases[0].colour: unknown field",
        "releases[1].version: is required", "releases[1]: expect ROLLED_BACK_BY_ALERT needs",
        "policy.steps[0].percent")) {
      assertTrue(m.contains(expected), () -> "missing '" + expected + "' in:\n" + m);
    }
  }

  @Test
  void flagsAreParsedAndBadOnesExplained() {
    PrintStream out = System.out;
    DemoOptions o = DemoOptions.parse(new String[] {"--rate", "50", "--no-live",
        "--scenario=s.json"}, out);
    assertEquals(50, o.rate());
    assertFalse(o.liveView());
    assertEquals(Path.of("s.json"), o.scenario());
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DemoOptions.parse(new String[] {"--rate", "x"}, out));
    assertTrue(e.getMessage().contains("--rate"), e.getMessage());
    // The in-process transport is gone: the flag is an error that names it, not ignored.
    e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> DemoOptions.parse(new String[] {"--in-memory"}, out));
    assertTrue(e.getMessage().contains("--in-memory"), e.getMessage());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
