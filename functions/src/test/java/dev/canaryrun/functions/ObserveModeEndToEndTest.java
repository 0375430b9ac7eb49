package dev.canaryrun.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.run.v2.Container;
import com.google.cloud.run.v2.Service;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.ReceivedMessage;
import dev.canaryrun.fixtures.emulator.EmulatorEnvironment;
import dev.canaryrun.fixtures.emulator.WithEmulators;
import dev.canaryrun.judge.Outcome;
import dev.canaryrun.local.LocalCloudRun;
import dev.canaryrun.local.RecordedCall;
import dev.canaryrun.rollout.AuditEntry;
import dev.canaryrun.rollout.Rollout;
import dev.canaryrun.rollout.RolloutState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Observe-only mode end to end (Pub/Sub and Firestore emulators, the real functions under the
 * invoker, the local Cloud Run and Monitoring): the team's pipeline deploys at 0% with a tag and
 * shifts traffic itself; Cloud Run's audit log starts the observation; canaryrun's verdicts land
 * in the audit trail and on canaryrun-events, and the local Cloud Run's call journal shows that
 * canaryrun never wrote to it.
 */
@WithEmulators
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveModeEndToEndTest {
  static final String POLICY = """
      {"mode": "observe",
       "steps": [{"percent": 10, "minDwellSeconds": 2, "maxDwellSeconds": 60},
                 {"percent": 50, "minDwellSeconds": 2, "maxDwellSeconds": 60}],
       "metrics": {"alignmentPeriodSeconds": 1, "ingestDelaySeconds": 1}}
      """;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String PIPELINE = "deployer@ci-project.iam.gserviceaccount.com";
  private static final ObjectMapper JSON = new ObjectMapper();

  private EndToEndHarness h;
  private ServiceMoves moves;
  private String events;
  private final Map<List<String>, Double> traffic = new ConcurrentHashMap<>();

  @BeforeAll
  void start(EmulatorEnvironment env) throws Exception {
    h = new EndToEndHarness(env.firestoreHost(), env.pubsubHost(), env.projectId(), false);
    h.tickEvery(Duration.ofSeconds(1));
    h.trafficEvery100ms(() -> traffic);
    moves = new ServiceMoves(h);
    events = "projects/" + h.project + "/subscriptions/observe-events-" + UUID.randomUUID();
    try (SubscriptionAdminClient admin = h.pubsub.subscriptionAdmin()) {
      admin.createSubscription(events, h.pubsub.topic("canaryrun-events").toString(),
          PushConfig.getDefaultInstance(), 10);
    }
  }

  @AfterAll
  void stop() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aHealthyCandidateIsPassedAtThePipelinesSplitAndABadOneFailedWithNoWriteToCloudRun()
      throws Exception {
    String stable = h.watch("observed", POLICY);
    traffic.put(List.of("observed", stable), 0.0);

    String good = pipelineDeploys("observed", stable, "observed-5c6d7e8", "v2");
    Rollout r = awaitState(good, RolloutState.OBSERVING);
    assertEquals(stable, r.stableRevision(), "stable: what served before the pipeline's deploy");
    pipelineSplits("observed", stable, good, 10);
    traffic.put(List.of("observed", good), 0.0);
    Rollout passed = awaitVerdict(good, Outcome.PASS);
    assertEquals(RolloutState.OBSERVING, passed.state(), "a PASS does not end the observation");
    assertEquals(10, passed.traffic().candidatePercent(), "judged at the pipeline's 10%");
    List<String> audit = h.store.audit(good).stream().map(AuditEntry::message).toList();
    assertTrue(audit.stream().anyMatch(m -> m.contains("passed the candidate at 10%")),
        audit.toString());
    pipelineSplits("observed", stable, good, 100); // the pipeline promotes
    Rollout ended = awaitState(good, RolloutState.OBSERVED);
    assertTrue(ended.reason().contains("the pipeline moved 100% to the candidate"),
        ended.reason());

    String bad = pipelineDeploys("observed", good, "observed-9f8e7d6", "v3");
    traffic.remove(List.of("observed", stable));
    assertEquals(good, awaitState(bad, RolloutState.OBSERVING).stableRevision());
    pipelineSplits("observed", good, bad, 10);
    traffic.put(List.of("observed", bad), 0.3);
    Rollout failed = awaitState(bad, RolloutState.OBSERVED);
    assertEquals(Outcome.FAIL, failed.lastVerdict().outcome(), failed.reason());
    assertEquals(10, moves.percentOf("observed", bad), "the split is the pipeline's to undo");

    assertTrue(h.plane.cloudRun().calls().count("GetService") > 0,
        "the journal records canaryrun's calls (it read the split every tick)");
    List<RecordedCall> writes = h.plane.cloudRun().calls().all().stream()
        .filter(c -> !method(c).startsWith("Get") && !method(c).startsWith("List")).toList();
    assertEquals(List.of(), writes, "observe-only: canaryrun never wrote to Cloud Run");

    List<JsonNode> published = pull(6);
    assertTrue(published.stream().anyMatch(e -> is(e, good, "VERDICT", "PASS")),
        published.toString());
    assertTrue(published.stream().anyMatch(e -> is(e, bad, "OBSERVED", "FAIL")),
        published.toString());
  }

  // ------------------------------------------------------------------ the pipeline

  /**
   * {@code gcloud run deploy SVC --image=...:TAG --no-traffic --tag=canary
   * --revision-suffix=...}, then Cloud Run's audit log reports it; returns the revision.
   */
  private String pipelineDeploys(String service, String stable, String revision, String tag)
      throws Exception {
    LocalCloudRun run = h.plane.cloudRun();
    Instant requested = Instant.now().minusSeconds(1);
    Service s = run.getService(moves.serviceName(service)).orElseThrow();
    run.updateServiceAs(PIPELINE, s.toBuilder()
        .setTemplate(s.getTemplate().toBuilder().setRevision(revision)
            .setContainers(0, Container.newBuilder().setImage("localhost/demo/app:" + tag)))
        .clearTraffic().addTraffic(ServiceMoves.target(stable, 100, ""))
        .addTraffic(ServiceMoves.target(revision, 0, "canary")).build(), List.of());
    h.publish("canaryrun-revisions", moves.auditEntry(service, revision, PIPELINE, requested),
        Map.of());
    return revision;
  }

  /** {@code gcloud run services update-traffic SVC --to-tags canary=P}. */
  private void pipelineSplits(String service, String stable, String candidate, int percent) {
    LocalCloudRun run = h.plane.cloudRun();
    Service s = run.getService(moves.serviceName(service)).orElseThrow();
    Service.Builder next = s.toBuilder().clearTraffic()
        .addTraffic(ServiceMoves.target(candidate, percent, "canary"));
    if (percent < 100) {
      next.addTraffic(ServiceMoves.target(stable, 100 - percent, ""));
    }
    run.updateServiceAs(PIPELINE, next.build(), List.of("traffic"));
  }

  // ------------------------------------------------------------------ helpers

  private static String method(RecordedCall c) {
    return c.fullMethod().substring(c.fullMethod().lastIndexOf('/') + 1);
  }

  private Rollout awaitState(String id, RolloutState state) throws Exception {
    return awaitRollout(id, r -> r.state() == state, "state " + state);
  }

  private Rollout awaitVerdict(String id, Outcome outcome) throws Exception {
    return awaitRollout(id, r -> r.lastVerdict() != null && r.lastVerdict().outcome() == outcome,
        "verdict " + outcome);
  }

  private Rollout awaitRollout(String id, java.util.function.Predicate<Rollout> done,
      String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    Rollout last = null;
    while (System.nanoTime() < deadline) {
      last = h.store.find(id).orElse(null);
      if (last != null && done.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("rollout " + id + " did not reach " + what + "; last: "
        + (last == null ? "absent" : last.state() + " " + last.lastVerdict() + " (" + last.reason()
            + ")"));
  }

  private List<JsonNode> pull(int atLeast) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (SubscriptionAdminClient admin = h.pubsub.subscriptionAdmin()) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (out.size() < atLeast && System.nanoTime() < deadline) {
        for (ReceivedMessage m : admin.pull(events, true, 100).getReceivedMessagesList()) {
          out.add(JSON.readTree(m.getMessage().getData().toStringUtf8()));
          admin.acknowledge(events, List.of(m.getAckId()));
        }
      }
    }
    return out;
  }

  private static boolean is(JsonNode event, String rollout, String type, String outcome) {
    return event.toString().contains(rollout) && event.toString().contains("\"" + type + "\"")
        && event.toString().contains("\"outcome\":\"" + outcome + "\"");
  }
}
