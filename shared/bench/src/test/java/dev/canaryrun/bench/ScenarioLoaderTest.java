package dev.canaryrun.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioLoaderTest {
  static final String VALID = """
      {"name": "err-x2", "runs": 500, "requestsPerSecond": 50, "metricDelayMinutes": 0,
       "stable": {"errorRate": 0.005, "latencyMedianMs": 100, "latencySigma": 0.5},
       "canary": {"errorRate": 0.010, "latencyMedianMs": 100, "latencySigma": 0.5},
       "incidents": [{"fromMinute": 12, "toMinute": 14, "affects": "both",
                      "errorRate": 0.03, "latencyFactor": 1.0}],
       "expect": "rollback"}""";

  @Test
  void parsesTheDocumentedSchema() {
    Scenario s = ScenarioLoader.parse("x.json", VALID);
    assertEquals("err-x2", s.name());
    assertEquals(500, s.runs());
    assertEquals(Scenario.Expect.ROLLBACK, s.expect());
    assertEquals(Scenario.Affects.BOTH, s.incidents().get(0).affects());
    assertEquals(0.03, s.truth(true, 13).errorRate());
    assertEquals(0.010, s.truth(true, 15).errorRate());
    assertEquals(0.005, s.truth(false, 11).errorRate());
  }

  @Test
  void parsesLatePoints() {
    Scenario s = ScenarioLoader.parse("x.json", VALID.replace("\"expect\"",
        "\"late\": {\"share\": 0.3, \"minMinutes\": 1, \"maxMinutes\": 4}, \"expect\""));
    assertEquals(new Scenario.Late(0.3, 1, 4), s.late());
    assertEquals(Scenario.Late.NONE, ScenarioLoader.parse("x.json", VALID).late());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("\"runs\": 500", "\"runz\": 500", "x.json: runz: unknown field"),
        Arguments.of("\"requestsPerSecond\": 50", "\"requestsPerSecond\": \"fast\"",
            "x.json: requestsPerSecond: must be a number"),
        Arguments.of("\"runs\": 500", "\"runs\": 2.5", "x.json: runs: must be a whole number"),
        Arguments.of("\"errorRate\": 0.010", "\"errorRate\": 1.5",
            "x.json: canary.errorRate: 1.5 must be in [0, 1]"),
        Arguments.of("\"latencySigma\": 0.5}", "\"latencySigmaa\": 0.5}",
            "x.json: stable.latencySigmaa: unknown field"),
        Arguments.of("\"affects\": \"both\"", "\"affects\": \"everyone\"",
            "x.json: incidents[0].affects: 'everyone' must be both, canary or stable"),
        Arguments.of("\"toMinute\": 14", "\"toMinute\": 11",
            "x.json: incidents[0].toMinute: 11 must be >= fromMinute 12"),
        Arguments.of("\"expect\": \"rollback\"", "\"expect\": \"maybe\"",
            "x.json: expect: 'maybe' must be rollback or promote"),
        Arguments.of("\"name\": \"err-x2\", ", "", "x.json: name: is required"),
        Arguments.of("\"expect\"", "\"late\": {\"share\": 1.5, \"minMinutes\": 1, "
            + "\"maxMinutes\": 4}, \"expect\"", "x.json: late.share: 1.5 must be in [0, 1]"),
        Arguments.of("\"expect\"", "\"late\": {\"share\": 0.3, \"minMinutes\": 3, "
            + "\"maxMinutes\": 2}, \"expect\"",
            "x.json: late.maxMinutes: 2 must be >= minMinutes 3"),
        Arguments.of("\"expect\"", "\"late\": {\"shares\": 0.3, \"minMinutes\": 1, "
            + "\"maxMinutes\": 4}, \"expect\"", "x.json: late.shares: unknown field"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("invalid")
  void rejectsWithFileAndField(String from, String to, String message) {
    String json = VALID.replace(from, to);
    ScenarioLoader.InvalidScenarioException e = assertThrows(
        ScenarioLoader.InvalidScenarioException.class, () -> ScenarioLoader.parse("x.json", json));
    assertTrue(e.problems().stream().anyMatch(p -> p.startsWith(message)), e.problems()
        .toString());
  }

  @Test
  void reportsEveryProblemAtOnce() {
    String json = VALID.replace("\"runs\": 500", "\"runs\": -1")
        .replace("\"requestsPerSecond\": 50", "\"requestsPerSecond\": 0");
    ScenarioLoader.InvalidScenarioException e = assertThrows(
        ScenarioLoader.InvalidScenarioException.class, () -> ScenarioLoader.parse("x.json", json));
    assertEquals(2, e.problems().size(), e.problems().toString());
  }

  @Test
  void loadsFoldersAndTheShippedDefaults(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("b.json"), VALID);
    Files.writeString(dir.resolve("a.json"), VALID.replace("err-x2", "first"));
    Files.writeString(dir.resolve("notes.txt"), "ignored");
    List<Scenario> loaded = ScenarioLoader.load(List.of(dir));
    assertEquals(List.of("first", "err-x2"), loaded.stream().map(Scenario::name).toList());

    List<Scenario> defaults = ScenarioLoader.defaults();
    assertTrue(defaults.size() >= 8);
    assertTrue(defaults.stream().anyMatch(s -> s.runs() == 2000
        && s.canary().equals(s.stable()) && s.incidents().isEmpty()));
    assertTrue(defaults.stream().anyMatch(s -> s.incidents().stream()
        .anyMatch(i -> i.affects() == Scenario.Affects.BOTH)
        && s.expect() == Scenario.Expect.PROMOTE));
  }

  @Test
  void missingPathIsNamed() {
    ScenarioLoader.InvalidScenarioException e = assertThrows(
        ScenarioLoader.InvalidScenarioException.class,
        () -> ScenarioLoader.load(List.of(Path.of("/no/such/scenarios"))));
    assertTrue(e.getMessage().contains("/no/such/scenarios: no such file or folder"));
  }
}
