package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.UpdateServiceRequest;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The four functions end to end on real parts (see {@link EndToEndHarness}); every message is
 * delivered twice. Policies use seconds: 10% then 50%, 2 s minimum dwell, 1 s buckets.
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FunctionsEndToEndTest {
  static final String POLICY = """
      {"steps": [{"percent": 10, "minDwellSeconds": 2, "maxDwellSeconds": 60},
                 {"percent": 50, "minDwellSeconds": 2, "maxDwellSeconds": 60}],
       "metrics": {"alignmentPeriodSeconds": 1, "ingestDelaySeconds": 1},
       "smokeCheck": {"path": "/", "expectedStatus": 200, "attempts": 2, "timeoutSeconds": 2}}
      """;
  private static final Duration WAIT = Duration.ofSeconds(20);

  private EndToEndHarness h;
  private final Map<List<String>, Double> traffic = new ConcurrentHashMap<>();
  private final LogCapture log = new LogCapture();

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), true);
    h.tickEvery(Duration.ofSeconds(1));
    h.trafficEvery100ms(() -> traffic);
  }

  @AfterAll
  void stop() {
    log.close();
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aHealthyBuildWalksThePhasesToPromoted() throws Exception {
    String stable = h.watch("shop", POLICY);
    String id = h.publishBuild("shop");
    traffic.put(List.of("shop", stable), 0.0);
    traffic.put(List.of("shop", id), 0.0);
    h.await(id, RolloutState.CANARY, WAIT);
    Rollout done = h.await(id, RolloutState.PROMOTED, Duration.ofSeconds(30));
    assertEquals(100, done.traffic().candidatePercent());
    List<Integer> shifts = h.store.audit(id).stream().filter(AuditEntry::shiftsTraffic)
        .map(AuditEntry::trafficAfter).toList();
    assertEquals(List.of(10, 50, 100), shifts);
    assertNoEffectTwice(id);
  }

  @Test
  void aFailingCanaryIsRolledBackByTheJudge() throws Exception {
    String stable = h.watch("cart", POLICY);
    String id = h.publishBuild("cart");
    traffic.put(List.of("cart", stable), 0.0);
    traffic.put(List.of("cart", id), 0.4);
    Rollout r = h.await(id, RolloutState.ROLLED_BACK, WAIT);
    assertEquals(0, r.traffic().candidatePercent());
    assertTrue(r.lastVerdict() != null && r.lastVerdict().outcome().name().equals("FAIL"),
        "rolled back by the judge: " + r.reason());
    assertNoEffectTwice(id);
  }

  @Test
  void anAlertOnTheCandidateRollsBackAtOnce() throws Exception {
    h.watch("search", POLICY); // no traffic: the judge stays inconclusive
    String id = h.publishBuild("search");
    h.await(id, RolloutState.CANARY, WAIT);
    h.publishIncident("search", id, true);
    Rollout r = h.await(id, RolloutState.ROLLED_BACK, Duration.ofSeconds(10));
    assertTrue(r.reason().contains("incident"), r.reason());
    assertNoEffectTwice(id);
  }

  @Test
  void operatorsPauseResumePromoteAndRollBack() throws Exception {
    h.watch("ops", POLICY);
    String first = h.publishBuild("ops");
    h.await(first, RolloutState.CANARY, WAIT);
    h.publishCommand("ops", "pause", null);
    h.await(first, RolloutState.PAUSED, WAIT);
    h.publishCommand("ops", "resume", first);
    h.await(first, RolloutState.CANARY, WAIT);
    h.publishCommand("ops", "promote", first);
    h.await(first, RolloutState.PROMOTED, WAIT);

    String second = h.publishBuild("ops");
    h.await(second, RolloutState.CANARY, WAIT);
    h.publishCommand("ops", "rollback", null);
    h.await(second, RolloutState.ROLLED_BACK, WAIT);
    assertTrue(h.store.audit(second).stream().anyMatch(a -> a.actor().equals("e2e@example.com")));
    assertNoEffectTwice(first);
    assertNoEffectTwice(second);
  }

  @Test
  void aMalformedMessageIsAckedAndLeavesNoTraceButTheLog() throws Exception {
    h.watch("quiet", POLICY);
    int updatesBefore = h.plane.cloudRun().calls().count("UpdateService");
    log.clear();
    for (String topic : List.of("cloud-builds", "canaryrun-ticks", "canaryrun-alerts",
        "canaryrun-commands")) {
      h.publish(topic, "{\"schemaVersion\": 1, \"command\": \"pause\", \"service\": \"quiet\"",
          Map.of());
    }
    // Each of the 4 messages reaches its function twice (the harness redelivers every acked
    // message once): 8 ERROR lines, and no more later, because every delivery was acked.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (errors().size() < 8 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1500);
    assertEquals(8, errors().size(), errors().stream().map(LogRecord::getMessage).toList()
        .toString());
    assertTrue(h.store.pointer("quiet", EndToEndHarness.REGION).isEmpty(), "no rollout, no pointer");
    assertEquals(updatesBefore, h.plane.cloudRun().calls().requests("UpdateService",
        UpdateServiceRequest.class).stream().count() - countOf("quiet"));
  }

  private long countOf(String service) {
    return h.plane.cloudRun().calls().requests("UpdateService", UpdateServiceRequest.class)
        .stream().filter(r -> r.getService().getName().endsWith("/services/" + service)).count();
  }

  private List<LogRecord> errors() {
    return log.at(Level.SEVERE).stream()
        // an unsigned command is refused before it is decoded (docs/SECURITY.md)
        .filter(r -> r.getMessage().contains("rejected malformed message")
            || r.getMessage().contains("refused command from an unverified sender")).toList();
  }

  /**
   * Every message was delivered twice; each effect must show once: no audit entry repeats its
   * cause and transition, and every traffic shift was recorded once.
   */
  private void assertNoEffectTwice(String rolloutId) {
    Set<String> seen = new HashSet<>();
    for (AuditEntry a : h.store.audit(rolloutId)) {
      String key = a.cause() + "|" + a.eventType() + "|" + a.from() + "|" + a.to() + "|"
          + a.trafficAfter() + "|" + a.message();
      assertTrue(seen.add(key), "audited twice: " + key);
    }
  }
}
