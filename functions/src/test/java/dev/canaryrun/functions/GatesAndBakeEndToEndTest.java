package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.cloud.run.v2.Service;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A manual gate and the bake after 100%, end to end (emulators, the real functions, the local
 * Cloud Run and Monitoring): the gate holds until an operator's promote; the bake keeps the
 * previous stable revision tagged on the service, and an alert during it rolls back.
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatesAndBakeEndToEndTest {
  static final String POLICY = """
      {"steps": [{"percent": 10, "minDwellSeconds": 2, "maxDwellSeconds": 60,
                  "gate": {"timeoutSeconds": 600, "onTimeout": "rollback"}},
                 {"percent": 50, "minDwellSeconds": 2, "maxDwellSeconds": 60}],
       "metrics": {"alignmentPeriodSeconds": 1, "ingestDelaySeconds": 1},
       "smokeCheck": {"path": "/", "expectedStatus": 200, "attempts": 2, "timeoutSeconds": 2},
       "bake": {"durationSeconds": 600, "stableTag": "previous"}}
      """;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EndToEndHarness h;
  private ServiceMoves moves;
  private final Map<List<String>, Double> traffic = new ConcurrentHashMap<>();

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), false);
    h.tickEvery(Duration.ofSeconds(1));
    h.trafficEvery100ms(() -> traffic);
    moves = new ServiceMoves(h);
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void theGateWaitsForApprovalAndAnAlertDuringTheBakeRollsBack() throws Exception {
    String stable = h.watch("gated", POLICY);
    String id = h.publishBuild("gated");
    traffic.put(List.of("gated", stable), 0.0);
    traffic.put(List.of("gated", id), 0.0);

    Rollout waiting = h.await(id, RolloutState.PAUSED, WAIT);
    assertTrue(waiting.pause().gate(), waiting.reason());
    assertTrue(waiting.reason().startsWith("awaiting approval to leave step 1 (10%) for 50%"),
        waiting.reason());
    Thread.sleep(3000); // ticks go on: the gate holds, nothing moves up
    assertEquals(10, moves.percentOf("gated", id));
    assertEquals(RolloutState.PAUSED, h.rollout(id).orElseThrow().state());

    h.publishCommand("gated", "promote", id); // approve: the next step, not 100%
    Rollout two = h.await(id, RolloutState.CANARY, WAIT);
    assertEquals(1, two.stepIndex());
    assertTrue(h.store.audit(id).stream().map(AuditEntry::message)
        .anyMatch(m -> m.startsWith("approved at the gate of step 1")));

    Rollout baking = h.await(id, RolloutState.BAKING, WAIT);
    assertEquals(100, moves.percentOf("gated", id));
    Service s = h.plane.cloudRun().getService(moves.serviceName("gated")).orElseThrow();
    assertTrue(s.getTrafficList().stream().anyMatch(t -> t.getRevision().endsWith(stable)
        && t.getTag().equals("previous") && t.getPercent() == 0),
        "the previous stable is kept tagged: " + s.getTrafficList());
    assertTrue(baking.reason().startsWith("baking: "), baking.reason());

    h.publishIncident("gated", id, true);
    Rollout back = h.await(id, RolloutState.ROLLED_BACK, WAIT);
    assertEquals(100, moves.percentOf("gated", stable), "back on the pre-release revision");
    assertTrue(back.reason().contains("incident"), back.reason());
  }
}
