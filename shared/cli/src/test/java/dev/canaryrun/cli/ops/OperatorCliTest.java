package dev.canaryrun.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.canaryrun.cli.SlowRollouts;
import dev.canaryrun.cli.demo.Demo;
import dev.canaryrun.cli.demo.DemoOptions;
import dev.canaryrun.cli.demo.DemoReport;
import dev.canaryrun.cli.demo.DemoScenario;
import dev.canaryrun.cli.ops.CliRunner.Result;
import dev.canaryrun.gcp.pubsub.PubSubClients;
import dev.canaryrun.gcp.run.CloudRunClients;
import dev.canaryrun.gcp.run.CloudRunTrafficRouter;
import dev.canaryrun.gcp.store.FirestoreClients;
import dev.canaryrun.gcp.store.FirestoreRolloutStore;
import dev.canaryrun.local.publish.CloudBuildMessages;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutIds;
import dev.canaryrun.rollout.RolloutState;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Every CLI command against {@code ./canaryrun demo --keep}'s state: the Firestore and
 * Pub/Sub emulators, local Cloud Run, the four real functions. The demo plays two releases
 * (v2 promoted, v3 rolled back by the judge); then the test starts a slow rollout of its own
 * and steers it with every verb, and finally stops the functions for {@code rollback --direct}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class OperatorCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SERVICE = "checkout";
  private static final String ACTOR = "alice@example.com";
  /**
   * How the controller audits her: the emulators carry no Google identities, so the CLI sends
   * no ID token there and the demo's functions accept the claimed actor, marked as such.
   */
  private static final String AUDITED = ACTOR + " (unverified)";

  private Demo demo;
  private Map<String, String> env;
  private CliRunner cli;
  private Firestore db;
  private FirestoreRolloutStore store;
  private String slowRollout;

  @BeforeAll
  void startTheDemoAndKeepIt() throws Exception {
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String scenario;
    try (InputStream in = getClass().getResourceAsStream("/cli-scenario.json")) {
      scenario = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    demo = new Demo(new DemoOptions(200, null, Path.of("target", "cli-test"), false, true, out),
        DemoScenario.parse(scenario, "cli-scenario.json"));
    DemoReport report = demo.run();
    assertTrue(report.ok(), report::failure);
    env = new HashMap<>(demo.exports().env());
    env.put(Identity.ACTOR_ENV, ACTOR);
    cli = new CliRunner(Map.copyOf(env), Files.createTempDirectory("cli-home"));
    db = FirestoreClients.create(env.get("CANARYRUN_PROJECT"), null,
        env.get("FIRESTORE_EMULATOR_HOST"));
    store = new FirestoreRolloutStore(db, Clock.systemUTC());
  }

  @AfterAll
  void stop() throws Exception {
    if (db != null) {
      db.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private Result ok(String... args) {
    Result r = cli.run(args);
    assertEquals(0, r.code(), r::toString);
    return r;
  }

  @Test
  @Order(1)
  void statusShowsTheLatestRolloutInTextAndJson() throws Exception {
    Result text = ok("status");
    assertTrue(text.out().startsWith("SERVICE"), text::toString);
    assertTrue(text.out().contains(SERVICE) && text.out().contains("ROLLED_BACK"), text::toString);
    JsonNode json = JSON.readTree(ok("status", SERVICE, "--output", "json").out());
    assertEquals(SERVICE, json.get(0).path("service").asText());
    assertEquals("ROLLED_BACK", json.get(0).path("rollout").path("state").asText());
    assertEquals("FAIL", json.get(0).path("rollout").path("lastVerdict").path("outcome")
        .asText());
  }

  @Test
  @Order(2)
  void watchRedrawsAndStopsAfterCount() throws Exception {
    Result text = ok("status", "--watch", "--count", "3", "--interval", "100ms");
    assertEquals(3, text.out().split("canaryrun status ", -1).length - 1, text::toString);
    assertEquals(2, text.out().lines().filter(l -> l.equals("--")).count(), text::toString);
    List<String> docs = ok("status", "-w", "--count", "2", "--interval", "100ms", "-o", "json")
        .out().lines().toList();
    assertEquals(2, docs.size(), docs::toString);
    for (String d : docs) {
      assertEquals(SERVICE, JSON.readTree(d).get(0).path("service").asText());
    }
  }

  @Test
  @Order(3)
  void historyGetAndExplainTellTheTwoReleases() throws Exception {
    Result history = ok("history", SERVICE);
    List<String> rows = history.out().lines().toList();
    assertEquals(3, rows.size(), history::toString); // header + v3 + v2, newest first
    assertTrue(rows.get(1).contains("ROLLED_BACK") && rows.get(2).contains("PROMOTED"),
        history::toString);
    JsonNode list = JSON.readTree(ok("history", SERVICE, "-o", "json").out());
    String v3 = list.get(0).path("id").asText();

    Result get = ok("get", v3);
    assertTrue(get.out().contains("steps") && get.out().contains("1.  10%"), get::toString);
    assertTrue(get.out().contains("traffic history") && get.out().contains("candidate 0%"),
        get::toString);
    assertTrue(get.out().contains("errors FAIL: canary 5xx"), get::toString);
    JsonNode full = JSON.readTree(ok("get", SERVICE, "-o", "json").out());
    assertEquals(v3, full.path("id").asText());
    assertTrue(full.path("audit").size() >= 4, full::toString);

    Result explain = ok("explain", v3);
    assertTrue(explain.out().contains("Tick, CANARY -> ROLLING_BACK"), explain::toString);
    assertTrue(explain.out().contains("Rollback report for " + v3), explain::toString);
    assertTrue(explain.out().contains("trigger    judge"), explain::toString);
    assertTrue(explain.out().contains("excess bad requests"), explain::toString);
    JsonNode explained = JSON.readTree(ok("explain", v3, "-o", "json").out());
    assertTrue(explained.path("rollbackReport").isArray(), explained::toString);
    // The controller stored it when Cloud Run confirmed 0%: explain prints that one.
    assertTrue(explain.out().contains("source     stored in the audit trail when the rollback "
        + "was recorded"), explain::toString);
    assertTrue(explained.path("rollbackReportStored").asBoolean(), explained::toString);
    assertEquals("JUDGE", explained.path("rollbackReportFields").path("trigger").path("cause")
        .asText(), explained::toString);
  }

  @Test
  @Order(4)
  void wrongArgumentsExitTwoWithAMessageNamingTheProblem() {
    record Case(List<String> args, String says) {}
    for (Case c : List.of(
        new Case(List.of("pause", SERVICE), "--reason"),
        new Case(List.of("status", "--count", "2"), "--count needs --watch"),
        new Case(List.of("status", "-o", "yaml"), "yaml"),
        new Case(List.of("pause", SERVICE, "--reason", "x", "--until", "yesterday"), "--until"),
        new Case(List.of("pause", SERVICE, "--reason", "x", "--at-expiry", "explode",
            "--until", "1h"), "--at-expiry"),
        new Case(List.of("promote", SERVICE, "--reason", "x", "--wait", "soon"), "soon"),
        new Case(List.of("rollback", SERVICE, "--reason", "x", "--to-revision", "r1"),
            "--to-revision needs --direct"),
        new Case(List.of("dashboard", "--port", "70000"), "--port must be 0 to 65535"),
        new Case(List.of("frobnicate"), "frobnicate"))) {
      Result r = cli.run(c.args().toArray(String[]::new));
      assertEquals(2, r.code(), () -> c.args() + "\n" + r);
      assertTrue(r.err().contains(c.says()), () -> c.args() + " should say " + c.says() + "\n" + r);
    }
  }

  @Test
  @Order(5)
  void anUnknownServiceOrRolloutExitsOne() {
    for (List<String> args : List.of(List.of("status", "nosuch"), List.of("get", "nosuch"),
        List.of("history", "nosuch"), List.of("pause", "nosuch", "--reason", "x"))) {
      Result r = cli.run(args.toArray(String[]::new));
      assertEquals(1, r.code(), () -> args + "\n" + r);
      assertTrue(r.err().contains("nosuch"), r::toString);
    }
    Result noFlight = cli.run("pause", SERVICE, "--reason", "nothing in flight");
    assertEquals(1, noFlight.code(), noFlight::toString);
    assertTrue(noFlight.err().contains("no rollout in flight"), noFlight::toString);
  }

  @Test
  @Order(5)
  void drillRunsTheRollbackPathAndReportsItInTextAndJson() throws Exception {
    Result drill = cli.run("drill", SERVICE, "--reason", "weekly drill");
    assertEquals(0, drill.code(), drill::toString);
    assertTrue(drill.out().contains("): PASSED"), drill::toString);
    assertTrue(drill.out().contains("alert path published"), drill::toString);
    JsonNode report = JSON.readTree(ok("drill", SERVICE, "--report", "-o", "json").out());
    assertEquals("PASSED", report.path("outcome").asText());
    assertEquals(AUDITED, report.path("requestedBy").asText());
    assertTrue(report.path("alertToZeroMillis").asLong() > 0, report::toString);
    assertEquals(7, report.path("checks").size(), report::toString);
    Result wrong = cli.run("drill", SERVICE, "--region", "mars-central9", "--wait", "30s");
    assertEquals(1, wrong.code(), wrong::toString);
    assertTrue(wrong.err().contains("REFUSED: " + SERVICE + " is watched in"), wrong::toString);
  }

  @Test
  @Order(6)
  void everyVerbReachesTheControllerWithTheCallersIdentity() throws Exception {
    slowRollout = startSlowRollout();

    JsonNode paused = JSON.readTree(ok("pause", SERVICE, "--reason", "waiting for payments",
        "--until", "2h", "--at-expiry", "rollback", "-o", "json").out());
    assertEquals("APPLIED", paused.path("outcome").asText(), paused::toString);
    assertEquals("PAUSED", paused.path("rollout").path("state").asText());
    assertEquals(AUDITED, paused.path("rollout").path("pause").path("actor").asText());
    assertEquals("ROLLBACK", paused.path("rollout").path("pause").path("atExpiry").asText());
    assertTrue(ok("get", SERVICE).out().contains("paused by " + AUDITED + ": waiting for payments"));

    assertTrue(ok("resume", SERVICE, "--reason", "payments ready").out()
        .contains("is CANARY"));
    Result again = cli.run("resume", SERVICE, "--reason", "twice");
    assertEquals(1, again.code(), again::toString);
    assertTrue(again.out().contains("rejected resume from " + AUDITED), again::toString);

    assertTrue(ok("promote", SERVICE, "--reason", "ship it").out()
        .contains("is PROMOTED, candidate 100%"));
    assertTrue(ok("rollback", SERVICE, "--reason", "after all").out()
        .contains("is ROLLED_BACK, candidate 0%"));
    assertTrue(ok("retry", SERVICE, "--reason", "fixed the config").out().contains("is "));
    awaitState(slowRollout, RolloutState.CANARY);

    JsonNode published = JSON.readTree(ok("pause", SERVICE, "--reason", "no wait", "--no-wait",
        "-o", "json").out());
    assertEquals("PUBLISHED", published.path("outcome").asText());
    awaitState(slowRollout, RolloutState.PAUSED);
    List<AuditEntry> audit = store.audit(slowRollout);
    long byActor = audit.stream().filter(a -> a.actor().equals(AUDITED)).count();
    assertEquals(7, byActor, () -> audit.toString()); // 6 commands + the rejection
  }

  @Test
  @Order(7)
  void rollbackDirectWithTheFunctionsStoppedPinsStableAndRecordsIt() throws Exception {
    Rollout before = store.find(slowRollout).orElseThrow();
    assertEquals(RolloutState.PAUSED, before.state());
    assertTrue(before.traffic().candidatePercent() > 0);
    demo.stopFunctions();
    Result stalled = cli.run("resume", SERVICE, "--reason", "nobody listens", "--wait", "1s");
    assertEquals(1, stalled.code(), stalled::toString);
    assertTrue(stalled.out().contains("shows no effect"), stalled::toString);

    Result direct = ok("rollback", SERVICE, "--direct", "--reason", "controller down");
    String stable = before.stableRevision();
    assertTrue(direct.out().contains("Cloud Run now serves " + stable + " 100%"),
        direct::toString);
    assertTrue(direct.out().contains("recorded in the audit trail"), direct::toString);
    try (CloudRunClients run = CloudRunClients.create(Optional.of(
        env.get("CANARYRUN_RUN_ENDPOINT")))) {
      var traffic = new CloudRunTrafficRouter(run, env.get("CANARYRUN_PROJECT"))
          .readTraffic(before.region(), SERVICE);
      assertEquals(100, traffic.percentOf(stable), traffic::toString);
    }
    Rollout after = store.find(slowRollout).orElseThrow();
    assertEquals(RolloutState.ROLLED_BACK, after.state());
    assertEquals(0, after.traffic().candidatePercent());
    assertTrue(after.traffic().applied());
    AuditEntry last = store.audit(slowRollout).get(store.audit(slowRollout).size() - 1);
    assertEquals(DirectRollback.EVENT_TYPE, last.eventType());
    assertEquals(ACTOR, last.actor());
    assertTrue(last.message().contains("controller down"), last::message);
    assertEquals(dev.canaryrun.report.RollbackReport.Cause.DIRECT, last.report().trigger()
        .cause(), "the direct rollback records its report too");
    assertEquals(ACTOR, last.report().trigger().actor());

    // Firestore unreachable too: Cloud Run alone, and the output says nothing was recorded.
    Map<String, String> noFirestore = new HashMap<>(env);
    noFirestore.put("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1");
    Result blind = new CliRunner(noFirestore, cli.home()).run("rollback", SERVICE, "--direct",
        "--reason", "all down", "--region", before.region(), "--firestore-timeout", "3s");
    assertEquals(0, blind.code(), blind::toString);
    assertTrue(blind.out().contains("Cloud Run now serves " + stable + " 100%"), blind::toString);
    assertTrue(blind.out().contains("NOT recorded in the audit trail"), blind::toString);
  }

  /** A healthy build under a policy with long dwells: it stays at step 1 while we steer it. */
  private String startSlowRollout() throws Exception {
    return SlowRollouts.start(env, db, store, SERVICE,
        "localhost/demo/checkout:v5-err0.03-lat50ms-sigma0.5");
  }

  private void awaitState(String id, RolloutState state) throws InterruptedException {
    SlowRollouts.awaitState(store, id, state);
  }
}
