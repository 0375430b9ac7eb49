package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.canaryrun.local.LocalControlPlane;
import dev.canaryrun.local.RecordedHistory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code canaryrun backtest} end to end: the recorded histories of test-fixtures loaded into the
 * local Monitoring, read by the CLI through the real Monitoring client, replayed, printed.
 */
class BacktestCommandTest {
  static final String PROJECT = "shop-prod";
  /** The regression history ends 2026-11-20T00:00Z; the CLI's "now" a little after. */
  static final Clock NOW = Clock.fixed(Instant.parse("2026-11-20T00:04:00Z"), ZoneOffset.UTC);

  static LocalControlPlane plane;
  @TempDir
  static Path home;

  @BeforeAll
  static void start() {
    plane = LocalControlPlane.start(0);
    plane.monitoring().load(history("regression.csv.gz"));
  }

  @AfterAll
  static void stop() {
    plane.close();
  }

  static RecordedHistory history(String name) {
    String path = "fixtures/monitoring/history/" + name;
    return RecordedHistory.read(BacktestCommandTest.class.getClassLoader()
        .getResourceAsStream(path), path, PROJECT);
  }

  CliRunner.Result backtest(String... args) {
    List<String> a = new ArrayList<>(List.of("backtest"));
    a.addAll(List.of(args));
    a.addAll(List.of("--project", PROJECT));
    return new CliRunner(Map.of("CANARYRUN_MONITORING_ENDPOINT", plane.endpoint()), home)
        .at(NOW, a.toArray(String[]::new));
  }

  static JsonNode json(CliRunner.Result r) throws Exception {
    assertEquals(0, r.code(), r::toString);
    return new ObjectMapper().readTree(r.out());
  }

  static JsonNode transition(JsonNode report, String region, String candidate) {
    for (JsonNode t : report.get("transitions")) {
      if (t.get("region").asText().equals(region) && t.get("candidate").asText().equals(candidate)) {
        return t;
      }
    }
    throw new AssertionError("no transition to " + candidate + " in " + region + ": " + report);
  }

  @Test
  void findsEveryTransitionAndFailsTheRegressionOnly() throws Exception {
    JsonNode r = json(backtest("checkout", "--since", "5d", "-o", "json"));

    assertEquals(6, r.get("transitions").size(), r::toPrettyString);
    JsonNode bad = transition(r, "europe-west1", "checkout-00045-wuz");
    assertEquals("checkout-00044-pex", bad.get("stable").asText());
    assertEquals("FAIL", bad.get("verdict").asText(), bad::toPrettyString);
    assertEquals("ROLLBACK", bad.get("decision").asText());
    assertEquals("ROLLED_BACK", bad.get("historyEnd").asText());
    // Before the team's own rollback, 45 minutes in.
    assertTrue(bad.get("minute").asInt() < 45, bad::toPrettyString);
    assertTrue(bad.get("message").asText().contains("5xx"), bad::toPrettyString);
    for (String[] ok : new String[][] {{"europe-west1", "checkout-00042-kad"},
        {"europe-west1", "checkout-00044-pex"}, {"europe-west1", "checkout-00046-yel"},
        {"us-central1", "checkout-00042-kad"}, {"us-central1", "checkout-00045-wuz"}}) {
      JsonNode t = transition(r, ok[0], ok[1]);
      assertEquals("PROMOTE", t.get("decision").asText(), t::toPrettyString);
      assertEquals("PROMOTED", t.get("historyEnd").asText());
    }
  }

  @Test
  void aHealthyHistoryPromotesEveryRelease() throws Exception {
    try (LocalControlPlane healthy = LocalControlPlane.start(0)) {
      healthy.monitoring().load(history("healthy.csv.gz"));
      CliRunner.Result out = new CliRunner(Map.of("CANARYRUN_MONITORING_ENDPOINT",
          healthy.endpoint()), home).at(NOW, "backtest", "checkout", "--since", "5d",
          "--project", PROJECT, "-o", "json");
      JsonNode r = json(out);
      assertEquals(3, r.get("transitions").size(), r::toPrettyString);
      for (JsonNode t : r.get("transitions")) {
        assertEquals("PROMOTE", t.get("decision").asText(), t::toPrettyString);
        assertTrue(!t.get("verdict").asText().equals("FAIL"), t::toPrettyString);
        assertEquals("PROMOTED", t.get("historyEnd").asText());
        assertEquals(List.of(5, 20, 50), List.of(t.get("steps").get(0).get("percent").asInt(),
            t.get("steps").get(1).get("percent").asInt(),
            t.get("steps").get(2).get("percent").asInt()));
      }
    }
  }

  @Test
  void regionsNeverMixTheSameNamedRevisions() throws Exception {
    JsonNode r = json(backtest("checkout", "--since", "5d", "-o", "json"));
    JsonNode eu = transition(r, "europe-west1", "checkout-00045-wuz");
    JsonNode us = transition(r, "us-central1", "checkout-00045-wuz");
    assertEquals("checkout-00044-pex", eu.get("stable").asText());
    assertEquals("checkout-00042-kad", us.get("stable").asText());
    assertEquals("2026-11-18T11:00:00Z", eu.get("start").asText());
    assertEquals("2026-11-18T15:00:00Z", us.get("start").asText());
    assertEquals("PROMOTE", us.get("decision").asText());

    JsonNode only = json(backtest("checkout", "--since", "5d", "--region", "us-central1",
        "-o", "json"));
    assertEquals(2, only.get("transitions").size());
    only.get("transitions").forEach(t -> assertEquals("us-central1", t.get("region").asText()));
  }

  @Test
  void aTaggedRevisionAtZeroPercentIsNoTransition() throws Exception {
    JsonNode r = json(backtest("checkout", "--since", "5d", "-o", "json"));
    r.get("transitions").forEach(t ->
        assertTrue(!t.get("candidate").asText().equals("checkout-00043-tag"), t::toPrettyString));
    JsonNode tag = null;
    for (JsonNode g : r.get("ignored")) {
      if (g.get("revision").asText().equals("checkout-00043-tag")) {
        tag = g;
      }
    }
    assertTrue(tag != null, r.get("ignored")::toPrettyString);
    assertEquals(4, tag.get("requests").asLong());
    assertTrue(tag.get("reason").asText().contains("tag URL"), tag::toPrettyString);
  }

  @Test
  void aStricterPolicyOnTheSameHistory(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("strict.json");
    Files.writeString(policy, "{\"steps\": [{\"percent\": 5, \"minDwellSeconds\": 600}, "
        + "{\"percent\": 50, \"minDwellSeconds\": 1200}], \"judge\": {\"alpha\": 0.001}}");

    JsonNode r = json(backtest("checkout", "--since", "5d", "--policy", policy.toString(),
        "-o", "json"));

    assertEquals(policy.toString(), r.get("policy").asText());
    assertTrue(r.get("steps").asText().startsWith("5% 10m00s"), r.get("steps")::asText);
    JsonNode bad = transition(r, "europe-west1", "checkout-00045-wuz");
    assertEquals("ROLLBACK", bad.get("decision").asText(), bad::toPrettyString);
    bad.get("steps").forEach(s -> assertTrue(List.of(5, 50).contains(s.get("percent").asInt())));
  }

  @Test
  void printsATableAndTheEvidence() {
    CliRunner.Result r = backtest("checkout", "--since", "5d", "--region", "europe-west1");
    assertEquals(0, r.code(), r::toString);
    assertTrue(r.out().contains("STABLE -> CANDIDATE"), r::toString);
    assertTrue(r.out().contains("checkout-00044-pex -> checkout-00045-wuz"), r::toString);
    assertTrue(r.out().contains("rollback at minute"), r::toString);
    assertTrue(r.out().contains("   errors  FAIL: "), r::toString);
    assertTrue(r.out().contains("ignored europe-west1 checkout-00043-tag"), r::toString);
  }

  @Test
  void namesTheProblem(@TempDir Path dir) throws Exception {
    CliRunner.Result unknown = backtest("chekout", "--since", "5d");
    assertEquals(1, unknown.code(), unknown::toString);
    assertTrue(unknown.err().contains("unknown service 'chekout'")
        && unknown.err().contains("services with requests: checkout"), unknown::toString);

    CliRunner.Result none = new CliRunner(Map.of("CANARYRUN_MONITORING_ENDPOINT",
        plane.endpoint()), home).at(Clock.fixed(Instant.parse("2026-12-10T00:00:00Z"),
        ZoneOffset.UTC), "backtest", "checkout", "--since", "14d", "--project", PROJECT);
    assertEquals(1, none.code(), none::toString);
    assertTrue(none.err().contains("no data: checkout served no requests")
        && none.err().contains("try a longer --since"), none::toString);

    CliRunner.Result since = backtest("checkout", "--since", "3x");
    assertEquals(2, since.code(), since::toString);
    assertTrue(since.err().contains("'3x' is not a duration"), since::toString);
    CliRunner.Result tooLong = backtest("checkout", "--since", "60d");
    assertEquals(2, tooLong.code(), tooLong::toString);
    assertTrue(tooLong.err().contains("42 days"), tooLong::toString);

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"judge\": {\"alpah\": 0.01}}");
    CliRunner.Result policy = backtest("checkout", "--policy", bad.toString());
    assertEquals(2, policy.code(), policy::toString);
    assertTrue(policy.err().contains("bad.json") && policy.err().contains("judge.alpah: unknown "
        + "field"), policy::toString);
    Path range = dir.resolve("range.json");
    Files.writeString(range, "{\"steps\": [{\"percent\": 150, \"minDwellSeconds\": 60}]}");
    CliRunner.Result percent = backtest("checkout", "--policy", range.toString());
    assertEquals(2, percent.code(), percent::toString);
    assertTrue(percent.err().contains("steps[0].percent"), percent::toString);
    CliRunner.Result missing = backtest("checkout", "--policy", dir.resolve("nope.json")
        .toString());
    assertEquals(2, missing.code(), missing::toString);
    assertTrue(missing.err().contains("no such file"), missing::toString);
  }
}
