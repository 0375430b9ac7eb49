package dev.canaryrun.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BenchTest {
  private static final Scenario X5 = ScenarioLoader.parse("x5.json", ScenarioLoaderTest.VALID
      .replace("\"errorRate\": 0.010", "\"errorRate\": 0.025").replace("\"runs\": 500",
          "\"runs\": 40").replace("\"err-x2\"", "\"x5\""));

  @Test
  void sameSeedSameResults() {
    BenchMain.Options o = new BenchMain.Options(List.of(), null, 9, List.of(JudgeKind.values()),
        null);
    List<Result> a = BenchMain.bench(List.of(X5), o);
    List<Result> b = BenchMain.bench(List.of(X5), o);
    assertEquals(a, b);
    List<Result> c = BenchMain.bench(List.of(X5), new BenchMain.Options(List.of(), null, 10,
        List.of(JudgeKind.values()), null));
    assertNotEquals(a, c);
  }

  @Test
  void badCanaryIsRolledBackThroughTheRealStateMachine() {
    Simulator sim = new Simulator(dev.canaryrun.policy.RolloutPolicy.defaults());
    Simulator.Run r = sim.run(X5, 1, JudgeKind.CANARYRUN::create);
    assertEquals(Simulator.End.ROLLBACK, r.end());
    assertTrue(r.minute() < 15 && r.excessBad() > 0, r.toString());
  }

  @Test
  void commandWritesTableAndJson(@TempDir Path dir) throws Exception {
    Path scenario = dir.resolve("x5.json");
    Files.writeString(scenario, ScenarioLoaderTest.VALID.replace("\"runs\": 500", "\"runs\": 3"));
    Path json = dir.resolve("out.json");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = BenchMain.run(new String[] {"--scenarios", scenario.toString(), "--runs", "5",
        "--seed", "3", "--judges", "canaryrun,threshold", "--json", json.toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, code);
    String table = out.toString(StandardCharsets.UTF_8);
    assertTrue(table.contains("| err-x2 | rollback | canaryrun | 5 |"), table);
    JsonNode rows = new ObjectMapper().readTree(json.toFile());
    assertEquals(2, rows.size());
    for (String f : List.of("judge", "scenario", "runs", "expect", "rollbackRate", "promoteRate",
        "undecidedRate", "ttdMedianMinutes", "ttdP95Minutes", "excessBadRequestsMedian")) {
      assertTrue(rows.get(0).has(f), f);
    }
  }

  static Stream<Arguments> badArgs() {
    return Stream.of(Arguments.of((Object) new String[] {"--runs", "zero"}),
        Arguments.of((Object) new String[] {"--judges", "magic"}),
        Arguments.of((Object) new String[] {"--scenarios"}),
        Arguments.of((Object) new String[] {"--frobnicate"}));
  }

  @ParameterizedTest
  @MethodSource("badArgs")
  void badArgumentsExitTwo(String[] args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(2, BenchMain.run(args, System.out, new PrintStream(err, true,
        StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage:"));
  }

  static Stream<Arguments> means() {
    return Stream.of(Arguments.of(0.3), Arguments.of(4.0), Arguments.of(25.0),
        Arguments.of(1500.0));
  }

  @ParameterizedTest
  @MethodSource("means")
  void poissonHasItsMeanAndVariance(double mean) {
    SplittableRandom rnd = new SplittableRandom(5);
    int n = 20_000;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      long k = Sampler.poisson(rnd, mean);
      sum += k;
      sq += (double) k * k;
    }
    double m = sum / n;
    double var = sq / n - m * m;
    assertEquals(mean, m, 4 * Math.sqrt(mean / n));
    assertEquals(mean, var, 0.05 * mean + 0.02);
  }

  @Test
  void binomialHasItsMean() {
    SplittableRandom rnd = new SplittableRandom(6);
    double sum = 0;
    for (int i = 0; i < 20_000; i++) {
      sum += Sampler.binomial(rnd, 3000, 0.005);
    }
    assertEquals(15, sum / 20_000, 0.15);
    assertEquals(3000, Sampler.binomial(rnd, 3000, 1.0));
    assertThrows(IllegalArgumentException.class, () -> JudgeKind.parse("nope"));
  }
}
